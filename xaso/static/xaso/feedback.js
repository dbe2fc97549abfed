// The feedback form: "use my location" fills the hidden latitude/longitude fields (nothing leaves the phone
// until the form is sent). Without geolocation the button stays hidden; the village list is the other way.
(function () {
  "use strict";
  var box = document.querySelector("[data-geo]");
  if (!box || !navigator.geolocation) return;
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var status = box.querySelector("[data-geo-status]");
  box.hidden = false;
  box.querySelector("[data-geo-button]").addEventListener("click", function () {
    status.textContent = box.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lon.value = position.coords.longitude.toFixed(6);
      status.textContent = lat.value + ", " + lon.value;
    }, function (error) {
      status.textContent = error.message;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
