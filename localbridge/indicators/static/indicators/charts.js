/* The indicators' charts, drawn with Chart.js from the page's JSON (json_script); the tables beside them hold
   the same figures, so the pages read without this script.

   A municipality's dashboard (#trend-data: {years: [...], indicators: {code: {name, unit, decimals, values}}}):
   the chosen indicator's line over the years in #trend-chart, and a small trend line in each row of the table
   of all indicators (canvas.sparkline[data-code]). Choosing another indicator (the select, or an indicator's
   name in the table) redraws the chart, rewrites the table beside it and the download and comparison links,
   and puts ?indicator= in the address, without reloading.

   A region's comparison (#comparison-data: {name, unit, decimals, year, bars: [{id, name, value}]}): a
   horizontal bar per municipality with a value, best first, in #comparison-chart.

   Content-Security-Policy: Chart.js sets the canvas's size through element.style (CSSOM), which the policy
   allows; this script writes no style attribute or <style> element either. */
(function () {
  "use strict";

  var LINE = "#3b528b";
  var FILL = "rgba(59, 82, 139, 0.15)";
  var BAR = "#21918c";

  function lang() {
    return document.documentElement.lang || "ru";
  }

  function formatter(decimals) {
    var places = decimals || 0;
    var format = new Intl.NumberFormat(lang(), { minimumFractionDigits: places, maximumFractionDigits: places });
    return function (value) {
      return value === null || value === undefined ? "—" : format.format(value);
    };
  }

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // --- a municipality's dashboard ---------------------------------------------------------------------------

  function trendDashboard(data) {
    var canvas = document.getElementById("trend-chart");
    var table = document.getElementById("trend-table");
    var select = document.getElementById("id_indicator");
    if (!canvas || !table) {
      return;
    }
    var chart = null;

    function draw(code) {
      var indicator = data.indicators[code];
      if (!indicator) {
        return;
      }
      var format = formatter(indicator.decimals);
      var config = {
        type: "line",
        data: {
          labels: data.years.map(String),
          datasets: [{
            label: indicator.name + " (" + indicator.unit + ")",
            data: indicator.values,
            borderColor: LINE,
            backgroundColor: FILL,
            pointRadius: 4,
            fill: true,
            spanGaps: false
          }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: function (item) { return format(item.raw) + " " + indicator.unit; } } }
          },
          // ticks at whole steps of the shown precision, so that no two ticks read the same
          scales: { y: { beginAtZero: true, ticks: { precision: indicator.decimals || 0, callback: function (value) { return format(value); } } } }
        }
      };
      if (chart) {
        chart.destroy();
      }
      chart = new Chart(canvas, config);
      canvas.dataset.code = code;
      table.dataset.code = code;
      table.querySelector("[data-trend-name]").textContent = indicator.name;
      table.querySelector("[data-trend-unit]").textContent = indicator.unit;
      table.querySelectorAll("tbody tr").forEach(function (row, index) {
        row.querySelector("td").textContent = format(indicator.values[index]);
      });
      document.querySelectorAll("a[data-indicator-link]").forEach(function (link) {
        var url = new URL(link.href, window.location.href);
        url.searchParams.set("indicator", code);
        link.href = url.pathname + url.search;
      });
      document.querySelectorAll("a[data-indicator-anchor]").forEach(function (link) {
        link.hash = code;
      });
    }

    function choose(code, push) {
      if (!data.indicators[code]) {
        return;
      }
      if (select) {
        select.value = code;
      }
      draw(code);
      if (push) {
        var url = new URL(window.location.href);
        url.searchParams.set("indicator", code);
        url.hash = "";
        window.history.replaceState(null, "", url.pathname + url.search);
      }
    }

    var first = table.dataset.code || (select && select.value);
    draw(first);
    if (select) {
      select.addEventListener("change", function () { choose(select.value, true); });
      var form = select.form;
      if (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          choose(select.value, true);
        });
      }
    }
    document.querySelectorAll("a[data-choose]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        choose(link.dataset.choose, true);
        document.getElementById("trend-heading").scrollIntoView();
      });
    });
    sparklines(data);
  }

  function sparklines(data) {
    document.querySelectorAll("canvas.sparkline[data-code]").forEach(function (canvas) {
      var indicator = data.indicators[canvas.dataset.code];
      if (!indicator || indicator.values.every(function (v) { return v === null; })) {
        return;
      }
      new Chart(canvas, {
        type: "line",
        data: {
          labels: data.years.map(String),
          datasets: [{ data: indicator.values, borderColor: LINE, borderWidth: 1.5, pointRadius: 0, spanGaps: false }]
        },
        options: {
          responsive: false,
          animation: false,
          events: [],
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: { x: { display: false }, y: { display: false } }
        }
      });
    });
  }

  // --- a region's comparison --------------------------------------------------------------------------------

  function comparisonChart(data) {
    var canvas = document.getElementById("comparison-chart");
    if (!canvas || !data.bars.length) {
      return;
    }
    var format = formatter(data.decimals);
    var box = canvas.parentElement;
    box.style.height = Math.max(160, 22 * data.bars.length + 60) + "px"; // CSSOM, allowed by the CSP
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.bars.map(function (bar) { return bar.name; }),
        datasets: [{ label: data.name + ", " + data.year, data: data.bars.map(function (bar) { return bar.value; }),
          backgroundColor: BAR }]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return format(item.raw) + " " + data.unit; } } }
        },
        scales: { x: { beginAtZero: true, ticks: { precision: data.decimals || 0, callback: function (value) { return format(value); } } } }
      }
    });
  }

  function init() {
    if (typeof Chart === "undefined") {
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var trend = readJson("trend-data");
    if (trend) {
      trendDashboard(trend);
    }
    var comparison = readJson("comparison-data");
    if (comparison) {
      comparisonChart(comparison);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
