/* The agreement form's municipality picker (forms.MunicipalityPicker): htmx fills the options as one types; a
   ticked option moves up to the chosen municipalities and the search box is emptied. Enter in the search box
   searches instead of sending the form. Without this script the typed names are resolved when the form is sent. */
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("[data-party-picker]").forEach(function (picker) {
      var chosen = picker.querySelector("[data-party-chosen]");
      var options = picker.querySelector("[data-party-options]");
      var search = picker.querySelector("input[type=search]");
      picker.addEventListener("change", function (event) {
        var box = event.target;
        if (!box.matches("input[data-party-option]") || !box.checked) {
          return;
        }
        var already = chosen.querySelector("input[value='" + box.value + "']");
        if (already) {
          already.checked = true;
        } else {
          box.removeAttribute("data-party-option");
          chosen.appendChild(box.closest("li"));
        }
        options.innerHTML = "";
        if (search) {
          search.value = "";
          search.focus();
        }
      });
      if (search) {
        search.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            search.dispatchEvent(new Event("search", { bubbles: true }));
          }
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
