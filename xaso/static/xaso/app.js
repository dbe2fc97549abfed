// Behaviour that used to sit in inline handlers (onchange=…, href="javascript:…"), which the Content-Security-Policy
// forbids: one delegated listener each, so content swapped in by htmx works too.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing a value submits its form (requestSubmit lets htmx take htmx forms)
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (!field || !field.form) return;
    if (field.form.requestSubmit) field.form.requestSubmit();
    else field.form.submit();
  });
  // <a data-history-back href="…">: go back when there is a page to go back to, else follow the link
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
