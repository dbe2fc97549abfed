/* xaso operations centre: draws the charts whose data the page embeds with json_script.
 *
 * <canvas data-chart="ID" data-key="CODE">      trend sparkline of entry CODE of the JSON in <script id="ID">
 * <canvas data-chart="ID" data-kind="bars">      horizontal bars (village breakdown) of the JSON in <script id="ID">
 * JSON: {labels: [...], values: [number|null, ...], percent: bool, decimals: int}
 * <canvas data-chart="ID" data-kind="status">    targets per pillar, stacked by status, with a legend
 * JSON: {labels: [pillar, ...], datasets: [{status, label, color, data: [count per pillar]}, ...]}
 * A link to an element inside a folded <details> (#pillar-…, #area-…) opens it.
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

  /* One bar per pillar, one stacked part per status in its colour; the legend names the statuses. The same
   * counts are in the table after the chart (the text a screen reader reads). */
  function statusConfig(spec) {
    var narrow = window.matchMedia("(max-width: 40em)").matches;
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: "#ffffff", borderWidth: 1,
                   barPercentage: 0.8, categoryPercentage: 0.9 };
        }),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "top", align: "start",
                    labels: { color: "#1b1b1b", boxWidth: 12, boxHeight: 12, font: { size: narrow ? 11 : 12 } } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.parsed.x; } } },
        },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { color: MUTED, precision: 0 }, grid: { color: "#e6e6e6" } },
          y: { stacked: true, ticks: { color: "#1b1b1b", font: { size: narrow ? 11 : 12 },
                                        callback: function (v) { return wrap(spec.labels[v], narrow ? 14 : 24); } },
               grid: { display: false } },
        },
      },
    };
  }

  /* A pillar's name on two lines when it is long ("Nhân lực số, nhận thức số"). */
  function wrap(text, width) {
    if (!text || text.length <= width) return text;
    var words = text.split(" "), lines = [""];
    words.forEach(function (w) {
      var line = lines[lines.length - 1];
      if (line && (line + " " + w).length > width) lines.push(w);
      else lines[lines.length - 1] = line ? line + " " + w : w;
    });
    return lines;
  }

  function draw(canvas) {
    if (canvas.dataset.drawn || !window.Chart) return;
    var spec = readData(canvas);
    if (!spec) return;
    var kind = canvas.dataset.kind;
    if (kind === "bars") {
      canvas.parentElement.style.height = Math.max(120, spec.labels.length * 28 + 40) + "px";
    }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;  // the page's typeface
    var config = kind === "bars" ? barsConfig(spec) : kind === "status" ? statusConfig(spec) : trendConfig(spec);
    new window.Chart(canvas, config);
    canvas.dataset.drawn = "1";
  }

  /* Open the folded sections that hold the element the address points at (#pillar-economy, #area-government). */
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    if (opened) target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);

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
    document.addEventListener("DOMContentLoaded", function () { reveal(); scan(document); });
  } else {
    reveal();
    scan(document);
  }
})();
