// The bar chart of a rating's composite scores (Chart.js, vendored). The table on the page has the same figures
// and more; without JavaScript or Chart.js the page shows the table alone.
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("rating-chart-data");
    var canvas = document.getElementById("rating-chart-canvas");
    if (!data || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var chart = JSON.parse(data.textContent);
    var bars = chart.bars || [];
    canvas.parentElement.style.height = Math.max(160, bars.length * 22 + 40) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.map(function (bar) { return bar.name; }),
        datasets: [{ label: chart.label, data: bars.map(function (bar) { return bar.score; }), backgroundColor: "#1565c0" }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { min: 0, max: 100 } },
        plugins: { legend: { display: false } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
