// Listing forms, progressive enhancement: without JavaScript every group, the hours grid
// and the raw hours field all stay on screen and work.
(function () {
  "use strict";

  // -- Thématiques: a filter box, and the count of ticked boxes of each catégorie --------

  var filter = document.getElementById("filtre-thematiques");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".theme-group"));

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function ticked(group) {
    return group.querySelectorAll('input[type="checkbox"]:checked').length;
  }

  function showCount(group) {
    var count = group.querySelector(".theme-group__count");
    var n = ticked(group);
    // "Cochées : #": one wording for every number, in every language's plural rules.
    count.textContent = n ? count.dataset.pattern.replace("#", n) : "";
  }

  function applyFilter() {
    var words = folded(filter.value).split(/\s+/).filter(Boolean);
    var found = 0;
    groups.forEach(function (group) {
      var title = folded(group.querySelector("legend").textContent);
      var shown = 0;
      group.querySelectorAll(".fr-fieldset__element").forEach(function (item) {
        var text = title + " " + folded(item.textContent);
        var matches = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !matches;
        shown += matches ? 1 : 0;
      });
      group.hidden = shown === 0;
      group.open = words.length ? shown > 0 : ticked(group) > 0;
      found += shown;
    });
    document.getElementById("filtre-thematiques-aucune").hidden = found > 0;
  }

  if (filter && groups.length) {
    filter.closest(".theme-filter").hidden = false;
    filter.addEventListener("input", applyFilter);
    // Enter in the filter must not submit the form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    groups.forEach(function (group) {
      group.addEventListener("change", function () { showCount(group); });
    });
  }

  // -- Hours: show the grid or the raw field, whichever is chosen -------------------------

  var grid = document.getElementById("horaires-grille");
  var raw = document.getElementById("horaires-libre");
  var modes = document.querySelectorAll('input[name="horaires_saisie"]');

  function showMode() {
    var chosen = document.querySelector('input[name="horaires_saisie"]:checked');
    var byDay = !chosen || chosen.value === "grille";
    grid.hidden = !byDay;
    raw.hidden = byDay;
  }

  if (grid && raw && modes.length) {
    modes.forEach(function (mode) { mode.addEventListener("change", showMode); });
    showMode();
  }
})();
