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
  // <form data-forget-offline> (signing out, signing in): the census app's copies of other people's names leave the
  // phone first — the kept household lists and the kept app page (which names its account), wherever the form is;
  // unsent households stay in the outbox, tagged with their account (docs/decisions/0060-…)
  function forgetOffline() {
    var jobs = [];
    if (window.caches) {
      jobs.push(window.caches.delete("xaso-census-data"), window.caches.delete("xaso-census-pages"));
    }
    if (window.indexedDB) {
      jobs.push(
        new Promise(function (done) {
          var request = window.indexedDB.open("xaso-census");
          request.onupgradeneeded = function () {
            request.transaction.abort(); // no such database here: do not create an empty one
          };
          request.onsuccess = function () {
            var db = request.result;
            if (!db.objectStoreNames.contains("meta")) {
              db.close();
              return done();
            }
            var store = db.transaction("meta", "readwrite").objectStore("meta");
            store.delete(window.IDBKeyRange.bound("households:", "households:\uffff"));
            store.transaction.oncomplete = store.transaction.onerror = store.transaction.onabort = function () {
              db.close();
              done();
            };
          };
          request.onerror = request.onblocked = function () {
            done();
          };
        })
      );
    }
    return Promise.all(jobs.map(function (job) {
      return Promise.resolve(job).catch(function () {});
    }));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-forget-offline") || form.dataset.forgotten) return;
    event.preventDefault();
    var give = setTimeout(send, 1500); // never keep anybody from signing in or out
    function send() {
      clearTimeout(give);
      if (form.dataset.forgotten) return;
      form.dataset.forgotten = "1";
      if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
      else form.submit();
    }
    forgetOffline().then(send, send);
  });
})();
