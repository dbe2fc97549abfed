// Feedback's place on a map (docs/decisions/0049-map-points.md). The form works without this file: a village and
// optional latitude/longitude fields. With it: "use my location" (the browser's geolocation) fills the fields, and
// when a tile server is configured (XASO_MAP) a Leaflet map opens: a tap marks the place, typed coordinates move
// the mark. Nothing leaves the phone until the form is sent. The officer's page shows the point on the same map.
(function () {
  "use strict";
  // Việt Nam's bounding box with its islands (as xaso/feedback/services.py checks it again)
  function inside(lat, lon) {
    return isFinite(lat) && isFinite(lon) && lat >= 6.5 && lat <= 23.5 && lon >= 102 && lon <= 117.5;
  }
  function number(text) {
    return parseFloat(String(text || "").trim().replace(",", "."));
  }
  function baseMap(el, centre, zoom) {
    var map = window.L.map(el, { zoomControl: true }).setView(centre, zoom);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var layer = window.L.tileLayer(el.dataset.tiles, {
      maxZoom: parseInt(el.dataset.maxZoom, 10) || 19,
      attribution: el.dataset.attribution || ""
    });
    layer.addTo(map);
    return { map: map, layer: layer };
  }
  function mark(map, marker, latlng) {
    if (marker) { marker.setLatLng(latlng); return marker; }
    return window.L.circleMarker(latlng, { radius: 9, weight: 3, color: "#b50909", fillColor: "#e52207", fillOpacity: 0.6 }).addTo(map);
  }

  // the officer's page: one point, shown
  var shown = document.querySelector("[data-point-map]");
  if (shown && window.L) {
    var here = [number(shown.dataset.lat), number(shown.dataset.lon)];
    var view = baseMap(shown, here, 17);
    mark(view.map, null, here);
  }

  // the citizen's form
  var box = document.querySelector("[data-geo]");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!box || !lat || !lon) return;
  var anchor = document.querySelector('[data-field="latitude"]');
  if (anchor) anchor.parentNode.insertBefore(box, anchor);
  var status = box.querySelector("[data-geo-status]");
  var button = box.querySelector("[data-geo-button]");
  var clear = box.querySelector("[data-geo-clear]");
  var mapEl = box.querySelector("[data-geo-map]");
  var map = null;
  var marker = null;
  box.hidden = false;

  function say(text) { status.textContent = text || ""; }
  function show(a, b) {
    clear.hidden = false;
    if (!map) return;
    marker = mark(map, marker, [a, b]);
    map.setView([a, b], Math.max(map.getZoom(), 16));
  }
  function choose(a, b) {
    lat.value = a.toFixed(5);
    lon.value = b.toFixed(5);
    show(a, b);
    say(box.dataset.chosen + " " + lat.value + ", " + lon.value);
  }

  if (mapEl && window.L) {
    mapEl.hidden = false;
    var made = baseMap(mapEl, [number(mapEl.dataset.lat), number(mapEl.dataset.lon)], parseInt(mapEl.dataset.zoom, 10) || 5);
    map = made.map;
    var failures = 0;
    made.layer.on("tileerror", function () {
      failures += 1;
      if (failures === 3) say(box.dataset.tilesFailed);
    });
    map.on("click", function (event) { choose(event.latlng.lat, event.latlng.lng); });
  } else {
    say(box.dataset.noMap);
  }

  function typed() {
    var a = number(lat.value);
    var b = number(lon.value);
    if (inside(a, b)) show(a, b);
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  typed();

  clear.addEventListener("click", function () {
    lat.value = "";
    lon.value = "";
    if (marker) { marker.remove(); marker = null; }
    clear.hidden = true;
    say("");
  });

  if (!navigator.geolocation) {
    button.hidden = true;
    return;
  }
  button.addEventListener("click", function () {
    say(box.dataset.waiting);
    navigator.geolocation.getCurrentPosition(function (position) {
      var a = position.coords.latitude;
      var b = position.coords.longitude;
      if (!inside(a, b)) { say(box.dataset.outside); return; }
      choose(a, b);
    }, function (error) {
      var messages = { 1: box.dataset.denied, 2: box.dataset.unavailable, 3: box.dataset.timeout };
      say(messages[error.code] || box.dataset.unavailable);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();
