/* Live budget totals on the application's budget step: each line's total (quantity × unit cost), the column
   totals, the grant's share and co-financing, and a hint where a line's sources do not add up. The server
   computes the same on every render; this only saves a round trip. Labels come from the page (no strings here).
   Money is counted in kopecks (integers) to avoid floating-point drift. */
(function () {
  "use strict";
  var SOURCES = ["grant", "local_budget", "residents", "sponsors", "volunteer_labour"];

  function parse(text) {
    var clean = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (clean === "") return null;
    var number = Number(clean);
    return isFinite(number) ? number : NaN;
  }

  function kopecks(text) {
    var number = parse(text);
    return number === null || isNaN(number) ? 0 : Math.round(number * 100);
  }

  function lineTotal(quantityText, costText) {
    var quantity = parse(quantityText), cost = parse(costText);
    if (quantity === null || cost === null || isNaN(quantity) || isNaN(cost)) return 0;
    // quantity has at most 3 decimals, cost 2: an exact product in 1/100000, rounded half up to kopecks.
    var product = Math.round(quantity * 1000) * Math.round(cost * 100);
    return Math.floor(product / 1000 + 0.5);
  }

  function init(form) {
    var table = form.querySelector("[data-budget-table]");
    if (!table) return;
    var locale = table.getAttribute("data-locale") || document.documentElement.lang || "ru";
    var format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var percent = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var rows = form.querySelector("[data-budget-rows]");

    function value(row, name) {
      var input = row.querySelector('[data-budget="' + name + '"]');
      return input ? input.value : "";
    }

    function write(selector, text) {
      form.querySelectorAll(selector).forEach(function (output) { output.textContent = text; });
    }

    function recompute() {
      var sums = { total: 0 };
      SOURCES.forEach(function (name) { sums[name] = 0; });
      rows.querySelectorAll("[data-budget-row]").forEach(function (row) {
        var remove = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
        var total = lineTotal(value(row, "quantity"), value(row, "unit_cost"));
        var output = row.querySelector("[data-budget-line-total]");
        if (output) output.textContent = format.format(total / 100);
        var given = false, split = 0;
        SOURCES.forEach(function (name) {
          var text = value(row, name);
          if (String(text).trim() !== "") given = true;
          split += kopecks(text);
        });
        var hint = row.querySelector("[data-budget-hint]");
        if (hint) hint.hidden = !given || split === total;
        if (remove && remove.checked) return;
        sums.total += total;
        SOURCES.forEach(function (name) { sums[name] += kopecks(value(row, name)); });
      });
      write('[data-budget-sum="total"]', format.format(sums.total / 100));
      SOURCES.forEach(function (name) { write('[data-budget-sum="' + name + '"]', format.format(sums[name] / 100)); });
      var cofinancing = sums.total - sums.grant;
      write('[data-budget-sum="cofinancing"]', format.format(cofinancing / 100));
      var share = function (part) { return sums.total ? percent.format(Math.round((part * 10000) / sums.total) / 100) : percent.format(0); };
      write('[data-budget-share="grant"]', share(sums.grant));
      write('[data-budget-share="cofinancing"]', share(cofinancing));
    }

    var add = form.querySelector("[data-budget-add]");
    var template = form.querySelector("template[data-budget-template]");
    var totalForms = form.querySelector('input[name$="-TOTAL_FORMS"]');
    var maxForms = form.querySelector('input[name$="-MAX_NUM_FORMS"]');
    if (add && template && totalForms) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = parseInt(totalForms.value, 10);
        if (maxForms && index >= parseInt(maxForms.value, 10)) return;
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        totalForms.value = String(index + 1);
        var first = rows.lastElementChild && rows.lastElementChild.querySelector("input");
        if (first) first.focus();
      });
    }
    form.addEventListener("input", recompute);
    form.addEventListener("change", recompute);
    recompute();
  }

  function start() {
    document.querySelectorAll("form[data-budget-form]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
