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
    // "Look up" on the new-partner form: ask the company-information service and fill the form in
    // place. Empty fields are filled; fields the user typed into change only after a confirmation
    // naming them. Without JavaScript the button posts the form and the server keeps what was typed.
    var lookup = document.getElementById("lookup");
    if (lookup) {
      var lookupForm = lookup.closest("form");
      var lookupInput = document.getElementById("id_lookup");
      var result = document.getElementById("lookup-result");
      var labelOf = function (field) {
        var label = lookupForm.querySelector('label[for="' + field.id + '"]');
        return label ? label.textContent.trim() : field.name;
      };
      var say = function (text, isError) {
        result.innerHTML = "";
        if (!text) { return; }
        var line = document.createElement("p");
        line.textContent = text;
        if (isError) { line.className = "errorlist"; line.setAttribute("role", "alert"); } else { line.className = "message"; }
        result.appendChild(line);
      };
      var fill = function (values) {
        var conflicts = [];
        Object.keys(values).forEach(function (name) {
          var field = lookupForm.elements[name];
          if (!field || field.type === "checkbox" || !field.value) {
            if (field && field.type !== "checkbox") { field.value = values[name]; }
            return;
          }
          if (field.value.trim() !== String(values[name]).trim()) { conflicts.push(field); }
        });
        if (conflicts.length && window.confirm(
          lookup.getAttribute("data-confirm-replace") + "\n\n" + conflicts.map(function (field) {
            return labelOf(field) + ": " + field.value + " \u2192 " + values[field.name];
          }).join("\n")
        )) {
          conflicts.forEach(function (field) { field.value = values[field.name]; });
        }
      };
      var showMatches = function (matches) {
        var intro = document.createElement("p");
        intro.textContent = lookup.getAttribute("data-several");
        var list = document.createElement("ul");
        matches.forEach(function (match) {
          var item = document.createElement("li");
          var pick = document.createElement("button");
          pick.type = "submit";
          pick.name = "lookup_pick";
          pick.value = match.tax_number;
          pick.className = "outline";
          pick.formNoValidate = true;
          pick.textContent = match.name;
          var detail = document.createElement("small");
          detail.textContent = " " + match.tax_number + " \u00b7 " + match.city;
          item.appendChild(pick);
          item.appendChild(detail);
          list.appendChild(item);
        });
        result.innerHTML = "";
        result.appendChild(intro);
        result.appendChild(list);
      };
      var run = function (query) {
        say(lookup.getAttribute("data-searching"));
        var url = lookup.getAttribute("data-lookup-url") + "?lookup=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (data) {
            if (data.error) { say(data.error, true); return; }
            if (data.matches && data.matches.length) { showMatches(data.matches); return; }
            fill(data.values || {});
            say(data.message);
          })
          .catch(function () { say(lookup.getAttribute("data-failed"), true); });
      };
      lookupForm.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        if (button.id === "lookup-button") { event.preventDefault(); run(lookupInput.value.trim()); }
        else if (button.name === "lookup_pick") { event.preventDefault(); lookupInput.value = button.value; run(button.value); }
      });
      lookupInput.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); run(lookupInput.value.trim()); }
      });
    }
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
