/* Filters a validation report table in the page: severity, code and free text.
   Served locally; the server-side filter (query parameters) works without it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-filter-controls]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-controls"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = box.querySelector("[data-filter-count]");
    function value(name) {
      var input = box.querySelector('[data-filter="' + name + '"]');
      return input ? input.value.trim().toLowerCase() : "";
    }
    function apply() {
      var severity = value("severity"), code = value("code");
      var words = value("text").split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = (!severity || row.getAttribute("data-severity") === severity) &&
          (!code || row.getAttribute("data-code").toLowerCase() === code) &&
          words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = shown + " / " + rows.length; }
    }
    box.addEventListener("input", apply);
    box.addEventListener("change", apply);
  });
}());
