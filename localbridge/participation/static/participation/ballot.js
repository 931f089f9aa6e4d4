/* The ballot's live status: for a knapsack ballot the budget left, for approval how many more projects may be
   chosen, for cumulative the points left. The server checks the same on every submission; this only helps.
   All text comes from the page's data-* attributes ({amount}, {count} filled in); no inline script (CSP-safe).
   Money is counted in kopecks (integers). */
(function () {
  "use strict";

  function kopecks(text) {
    var number = Number(String(text || "").replace(",", "."));
    return isFinite(number) ? Math.round(number * 100) : 0;
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function init(box) {
    var type = box.getAttribute("data-ballot-type");
    var status = box.querySelector("[data-ballot-status]");
    if (!status) return;
    var locale = box.getAttribute("data-locale") || document.documentElement.lang || "ru";
    var money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var currency = box.getAttribute("data-currency") || "";
    var budget = kopecks(box.getAttribute("data-budget"));
    var max = parseInt(box.getAttribute("data-max"), 10);
    var points = parseInt(box.getAttribute("data-points"), 10);

    function text(name) {
      return box.getAttribute("data-text-" + name) || "";
    }

    function update() {
      var message = "";
      var over = false;
      if (type === "knapsack") {
        var spent = 0;
        box.querySelectorAll("[data-ballot-choice]:checked").forEach(function (input) {
          spent += kopecks(input.getAttribute("data-cost"));
        });
        var left = budget - spent;
        over = left < 0;
        message = fill(text(over ? "over" : "budget"), { amount: money.format(Math.abs(left) / 100) + " " + currency });
      } else if (type === "approval" && !isNaN(max)) {
        var chosen = box.querySelectorAll("[data-ballot-choice]:checked").length;
        over = chosen > max;
        message = fill(text(over ? "count-over" : "count"), { count: Math.abs(max - chosen) });
      } else if (type === "cumulative" && !isNaN(points)) {
        var given = 0;
        box.querySelectorAll("[data-ballot-points]").forEach(function (input) {
          var value = parseInt(input.value, 10);
          if (!isNaN(value) && value > 0) given += value;
        });
        over = given > points;
        message = fill(text(over ? "points-over" : "points"), { count: Math.abs(points - given) });
      }
      status.textContent = message;
      status.classList.toggle("over", over);
    }

    box.addEventListener("change", update);
    box.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-ballot]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
