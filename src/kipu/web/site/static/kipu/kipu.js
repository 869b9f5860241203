/* Behaviour shared by every page, served locally: the Content-Security-Policy allows no inline
   script or on…= handlers. A <select data-submit-on-change> (the language menu) submits its form
   when changed; without script its form's button does. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.submit(); }
    });
  });
}());
