/* xaso operations centre: draws the charts whose data the page embeds with json_script.
 *
 * <canvas data-chart="ID" data-key="CODE">      trend sparkline of entry CODE of the JSON in <script id="ID">
 * <canvas data-chart="ID" data-kind="bars">      horizontal bars (village breakdown) of the JSON in <script id="ID">
 * JSON: {labels: [...], values: [number|null, ...], percent: bool, decimals: int}
 * Charts are drawn when they scroll into view, and again after htmx swaps content in.
 */
(function () {
  "use strict";

  var css = getComputedStyle(document.documentElement);
  var ACCENT = (css.getPropertyValue("--accent") || "#0b5cad").trim();
  var MUTED = (css.getPropertyValue("--muted") || "#5b6670").trim();

  function formatter(spec) {
    var nf = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: spec.decimals || 0 });
    return function (v) {
      if (v === null || v === undefined) return "—";
      return nf.format(v) + (spec.percent ? "%" : "");
    };
  }

  function readData(canvas) {
    var node = document.getElementById(canvas.dataset.chart);
    if (!node) return null;
    var data = JSON.parse(node.textContent);
    return canvas.dataset.key ? data[canvas.dataset.key] : data;
  }

  /* A sparkline shows the shape of the series, but a rate is never stretched to less than 10 points of height:
   * 99,5% → 99,7% stays a flat line, 62% → 75% a climb. */
  function trendRange(spec) {
    if (!spec.percent) return {};
    var known = spec.values.filter(function (v) { return v !== null; });
    var lo = Math.min.apply(null, known), hi = Math.max.apply(null, known);
    var floor = Math.min(0, lo), ceiling = Math.max(100, hi);
    var pad = Math.max(0, (10 - (hi - lo)) / 2) + 1;
    lo = Math.max(floor, lo - pad);
    hi = Math.min(ceiling, hi + pad);
    if (hi - lo < 10) { if (lo === floor) hi = lo + 10; else lo = hi - 10; }
    return { min: lo, max: hi };
  }

  function trendConfig(spec) {
    var fmt = formatter(spec);
    var last = spec.values.length - 1;
    var range = trendRange(spec);
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [{
          data: spec.values,
          borderColor: ACCENT,
          backgroundColor: ACCENT,
          borderWidth: 2,
          spanGaps: false,
          tension: 0.25,
          clip: false,
          pointRadius: spec.values.map(function (_v, i) { return i === last ? 3.5 : 2; }),
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: 5 },
        plugins: {
          legend: { display: false },
          tooltip: { displayColors: false, callbacks: { label: function (c) { return fmt(c.parsed.y); } } },
        },
        scales: {
          x: { display: true, grid: { display: false }, border: { display: false },
               ticks: { color: MUTED, font: { size: 9 }, maxRotation: 0, autoSkip: false,
                        callback: function (_v, i) { return i === 0 || i === last ? spec.labels[i] : ""; } } },
          y: { display: false, grace: "10%", min: range.min, max: range.max },
        },
      },
    };
  }

  function barsConfig(spec) {
    var fmt = formatter(spec);
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ data: spec.values, backgroundColor: ACCENT, borderRadius: 3 }] },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { displayColors: false, callbacks: { label: function (c) { return fmt(c.parsed.x); } } },
        },
        scales: {
          x: { beginAtZero: true, suggestedMax: spec.percent ? 100 : undefined,
               ticks: { color: MUTED, callback: function (v) { return fmt(v); } } },
          y: { ticks: { color: MUTED } },
        },
      },
    };
  }

  function draw(canvas) {
    if (canvas.dataset.drawn || !window.Chart) return;
    var spec = readData(canvas);
    if (!spec) return;
    if (canvas.dataset.kind === "bars") {
      canvas.parentElement.style.height = Math.max(120, spec.labels.length * 28 + 40) + "px";
    }
    new window.Chart(canvas, canvas.dataset.kind === "bars" ? barsConfig(spec) : trendConfig(spec));
    canvas.dataset.drawn = "1";
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) { observer.unobserve(e.target); draw(e.target); }
        });
      }, { rootMargin: "200px" })
    : null;

  function scan(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      if (observer) observer.observe(canvas); else draw(canvas);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-coc-close]");
    if (!link) return;
    var panel = document.getElementById(link.dataset.cocClose);
    if (!panel) return;
    event.preventDefault();
    panel.innerHTML = "";
  });

  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
