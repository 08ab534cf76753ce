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
    // Contact pickers (select[data-contacts-url]) offer the chosen partner's contacts only: when the
    // partner changes, the options are fetched again; still-valid choices stay selected.
    document.querySelectorAll("select[data-contacts-url]").forEach(function (picker) {
      var partner = document.getElementById(picker.getAttribute("data-partner-field"));
      if (!partner) { return; }
      var sequence = 0;
      partner.addEventListener("change", function () {
        var mine = ++sequence;
        var chosen = {};
        Array.prototype.forEach.call(picker.selectedOptions, function (option) { chosen[option.value] = true; });
        var url = picker.getAttribute("data-contacts-url") + "?partner=" + encodeURIComponent(partner.value || "");
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (data) {
            if (mine !== sequence) { return; }
            Array.prototype.slice.call(picker.options).forEach(function (option) {
              if (option.value !== "") { option.remove(); }
            });
            (data.options || []).forEach(function (item) {
              var option = new Option(item.label, String(item.value), false, !!chosen[String(item.value)]);
              picker.add(option);
            });
            picker.dispatchEvent(new Event("change", { bubbles: true }));
          })
          .catch(function () { /* the server still refuses another partner's contact on save */ });
      });
    });
  });
})();
