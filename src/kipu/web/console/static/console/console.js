/* The IM console's behaviour (no inline script: the Content-Security-Policy forbids it).
   A checkbox data-select-all="NAME" ticks or clears every enabled checkbox named NAME in its
   form; it is shown only when script runs (the "send to all" button works without). */
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    var form = master.form;
    if (!form) { return; }
    var name = master.getAttribute("data-select-all");
    var boxes = Array.prototype.filter.call(
      form.querySelectorAll("input[type=checkbox][name='" + name + "']"),
      function (box) { return !box.disabled; }
    );
    var label = master.closest("[hidden]");
    if (label) { label.hidden = false; }
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        master.checked = boxes.every(function (b) { return b.checked; });
      });
    });
  });
}());
