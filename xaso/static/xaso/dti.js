/* xaso commune digital transformation index: draws the per-pillar charts whose data the page embeds with
 * json_script (CSP: no inline script). Every chart has a table with the same figures next to it.
 *
 * <canvas data-dti-chart="ID" data-kind="radar">   pillars as axes, each series a share of the pillar's points (%)
 * <canvas data-dti-chart="ID" data-kind="bars">    horizontal bars, one group per label, one bar per series
 * <canvas data-dti-chart="ID" data-kind="stacked"> horizontal stacked bars (a commune's points, pillar by pillar)
 * JSON: {labels: [...], series: [{label, data: [number|null, ...]}], percent: bool, max: number|null}
 * <form data-kind-form>  the index builder's criterion form: only the fields of the chosen rule kind are shown
 */
(function () {
  "use strict";

  var COLORS = ["#005ea2", "#e5a000", "#00a91c", "#d54309", "#8168b3", "#3d4551", "#1a4480", "#936f38"];
  var css = getComputedStyle(document.documentElement);
  var MUTED = (css.getPropertyValue("--muted") || "#5b6670").trim();
  var nf = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-US" : "vi-VN",
                                 { maximumFractionDigits: 1 });

  /* a long pillar name on several short lines, so the chart stays readable on a 390 px phone */
  function wrap(text, width) {
    var words = String(text).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).trim().length > width && line) { lines.push(line); line = w; }
      else { line = (line + " " + w).trim(); }
    });
    if (line) lines.push(line);
    return lines;
  }

  function fmt(spec) {
    return function (v) { return v === null || v === undefined ? "—" : nf.format(v) + (spec.percent ? "%" : ""); };
  }

  function datasets(spec, kind) {
    return spec.series.map(function (s, i) {
      var color = COLORS[i % COLORS.length];
      return {
        label: s.label, data: s.data, borderColor: color, borderWidth: kind === "radar" ? 2 : 0,
        backgroundColor: kind === "radar" ? color + "33" : color, pointBackgroundColor: color, pointRadius: 3,
      };
    });
  }

  function config(spec, kind) {
    var format = fmt(spec);
    var narrow = window.innerWidth < 480;
    var legend = { position: "bottom", labels: { boxWidth: 12, font: { size: 12 } } };
    var tooltip = { callbacks: { label: function (c) {
      var v = kind === "radar" ? c.parsed.r : c.parsed.x;
      return c.dataset.label + ": " + format(v);
    } } };
    if (kind === "radar") {
      return {
        type: "radar",
        data: { labels: spec.labels.map(function (l) { return wrap(l, narrow ? 12 : 20); }),
                datasets: datasets(spec, kind) },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: legend, tooltip: tooltip },
          scales: { r: { min: 0, max: spec.max || 100, ticks: { stepSize: 25, backdropColor: "transparent",
                                                                  color: MUTED, callback: format },
                         pointLabels: { font: { size: narrow ? 10 : 12 } } } },
        },
      };
    }
    var stacked = kind === "stacked";
    return {
      type: "bar",
      data: { labels: spec.labels.map(function (l) { return wrap(l, narrow ? 16 : 28); }),
              datasets: datasets(spec, kind) },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: legend, tooltip: tooltip },
        scales: {
          x: { stacked: stacked, min: 0, max: spec.max || undefined, ticks: { color: MUTED, callback: format } },
          y: { stacked: stacked, ticks: { color: MUTED, font: { size: narrow ? 10 : 12 }, autoSkip: false } },
        },
      },
    };
  }

  function draw(canvas) {
    if (typeof Chart === "undefined" || canvas.dataset.drawn) return;
    var node = document.getElementById(canvas.dataset.dtiChart);
    if (!node) return;
    canvas.dataset.drawn = "1";
    new Chart(canvas, config(JSON.parse(node.textContent), canvas.dataset.kind));
  }

  /* The builder's criterion form shows only the fields of the chosen way of scoring (the rest stay in the page
   * without JavaScript). A field with an error always stays visible. */
  var LEAF = ["thresholds", "linear", "yes_no", "fact", "manual"];
  var FIELDS = {
    indicator: ["thresholds", "linear", "yes_no"], thresholds: ["thresholds"], direction: ["thresholds"],
    minimum: ["linear"], maximum: ["linear"], options: ["fact"], mandatory: LEAF, pass_share: LEAF,
  };

  function kindForm(form) {
    var select = form.querySelector("select[name$='-kind']");
    if (!select) return;
    var prefix = select.name.slice(0, -4);
    function apply() {
      Object.keys(FIELDS).forEach(function (name) {
        var group = form.querySelector("[data-field='" + prefix + name + "']");
        if (!group) return;
        group.hidden = FIELDS[name].indexOf(select.value) < 0 && !group.classList.contains("usa-form-group--error");
      });
    }
    select.addEventListener("change", apply);
    apply();
    liveTotal(form);
  }

  /* While the analyst types a pillar's points, the total the pillars will add up to once saved, against the
   * decision's declared total (the server checks it again on save, with the file loader's rules). */
  function liveTotal(form) {
    var out = form.querySelector("[data-live-total]");
    var points = form.querySelector("input[name$='-points']");
    var parent = form.querySelector("select[name$='-parent']");
    if (!out || !points || !parent) return;
    var pillars = parseFloat(form.dataset.pillars) || 0;
    var declared = parseFloat(form.dataset.declared);
    var wasPillar = form.dataset.originalParent === "";
    var before = wasPillar ? parseFloat(form.dataset.originalPoints) || 0 : 0;
    function apply() {
      var typed = parseFloat(String(points.value).replace(",", "."));
      if (isNaN(typed)) typed = 0;
      var total = pillars - before + (parent.value === "" ? typed : 0);
      var text = out.dataset.label + ": " + nf.format(total);
      if (!isNaN(declared)) text += " / " + nf.format(declared);
      out.textContent = text;
      out.hidden = false;
    }
    points.addEventListener("input", apply);
    parent.addEventListener("change", apply);
    apply();
  }

  function start() {
    document.querySelectorAll("canvas[data-dti-chart]").forEach(draw);
    document.querySelectorAll("form[data-kind-form]").forEach(kindForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
