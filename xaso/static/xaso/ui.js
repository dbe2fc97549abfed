/* xaso's few behaviours on top of the design system (no inline scripts: the pages run under a Content-Security-Policy).
 *
 * (auto-submitting pickers and "go back" links are in app.js)
 * <div class="xaso-file">            shows the chosen file's name beside the Vietnamese "Chọn tệp…" button
 * [data-error-summary]               a form's error summary takes the focus when the page opens, so it is read first
 * <form data-filter="#grid">         filters the items [data-filter-item] of #grid as one types or ticks (data entry)
 * [data-show-when="kind:date"]       a form group shown only while the radio "kind" has the value "date" (task time)
 */
(function () {
  "use strict";

  function norm(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches(".xaso-file input[type=file]")) {
      var name = target.parentNode.querySelector(".xaso-file__name");
      if (name) {
        var files = Array.prototype.map.call(target.files || [], function (f) { return f.name; });
        name.textContent = files.length ? files.join(", ") : name.getAttribute("data-empty");
      }
    }
  });

  function setUpFilter(form) {
    var grid = document.querySelector(form.getAttribute("data-filter"));
    if (!grid) return;
    var text = form.querySelector("[data-filter-text]");
    var group = form.querySelector("[data-filter-group]");
    var missing = form.querySelector("[data-filter-missing]");
    var count = form.querySelector("[data-filter-count]");
    function apply() {
      var words = norm(text && text.value).split(/\s+/).filter(Boolean);
      var chosen = group ? group.value : "";
      var onlyMissing = missing && missing.checked;
      var shown = 0;
      grid.querySelectorAll("[data-filter-item]").forEach(function (item) {
        var haystack = norm(item.getAttribute("data-filter-item"));
        var ok = words.every(function (w) { return haystack.indexOf(w) !== -1; });
        if (ok && chosen) ok = item.getAttribute("data-filter-group") === chosen;
        if (ok && onlyMissing) ok = item.getAttribute("data-filter-missing") === "1";
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      grid.querySelectorAll("[data-filter-section]").forEach(function (section) {
        section.hidden = !section.querySelector("[data-filter-item]:not([hidden])");
      });
      if (count) count.textContent = count.getAttribute("data-template").replace("{n}", shown);
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.hidden = false;
    apply();
    document.body.addEventListener("htmx:afterSwap", apply);
  }

  function reveal(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (group) {
      var rule = group.getAttribute("data-show-when").split(":");
      var checked = form.querySelector("input[name='" + rule[0] + "']:checked");
      var show = checked ? checked.value === rule[1] : false;
      group.hidden = !show && !group.classList.contains("usa-form-group--error");
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-show-when]")) reveal(form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) { if (form.querySelector("[data-show-when]")) reveal(form); });
    document.documentElement.classList.remove("no-js");
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    document.querySelectorAll("form[data-filter]").forEach(setUpFilter);
  });
})();
