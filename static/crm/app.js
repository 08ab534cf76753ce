// Behaviour without inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Selects marked data-autosubmit submit their form on change (company and language switchers).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // Forms and links marked data-confirm ask before going on (destructive actions).
    document.querySelectorAll("[data-confirm]").forEach(function (element) {
      var eventName = element.tagName === "FORM" ? "submit" : "click";
      element.addEventListener(eventName, function (event) {
        if (!window.confirm(element.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
