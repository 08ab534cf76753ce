// Behaviour without inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  // The menu button (phone and tablet widths) opens the sidebar as a drawer. Without JavaScript the
  // button is a link to #sidebar and CSS shows the target; with it, a class and aria-expanded do.
  function setUpMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var sidebar = document.getElementById("sidebar");
    if (!toggle || !sidebar) { return; }
    var setOpen = function (open) {
      document.body.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = sidebar.querySelector("a[aria-current=page]") || sidebar.querySelector(".nav-group a");
        if (first) { first.focus(); }
      }
    };
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(!document.body.classList.contains("menu-open"));
    });
    sidebar.querySelectorAll("[data-menu-close]").forEach(function (close) {
      close.addEventListener("click", function (event) { event.preventDefault(); setOpen(false); toggle.focus(); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.classList.contains("menu-open")) { setOpen(false); toggle.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (document.body.classList.contains("menu-open") && !sidebar.contains(event.target) && !toggle.contains(event.target)) {
        setOpen(false);
      }
    });
  }

  // A table wider than the screen (or a long list whose header sticks) scrolls inside its .table-wrap;
  // keyboard users must reach that scroll too, so a wrapper that actually scrolls becomes focusable
  // (arrow keys then scroll it) and a named region.
  function focusableScrollers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1) {
        if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); wrap.setAttribute("data-scroll-focus", ""); }
        if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
        if (!wrap.hasAttribute("aria-label")) {
          var caption = wrap.querySelector("caption");
          var heading = wrap.previousElementSibling;
          var name = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : document.title.split(" \u00b7 ")[0]);
          wrap.setAttribute("aria-label", name.trim());
        }
      } else if (wrap.hasAttribute("data-scroll-focus")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("data-scroll-focus");
      }
    });
  }

  // Toasts: the close button removes one; "saved" and information toasts leave by themselves after
  // eight seconds unless the pointer or the focus is on them. Errors stay until closed.
  function setUpToasts(root) {
    root.querySelectorAll(".toast").forEach(function (toast) {
      var remove = function () {
        toast.classList.add("leaving");
        window.setTimeout(function () { if (toast.parentNode) { toast.parentNode.removeChild(toast); } }, 300);
      };
      var close = toast.querySelector("[data-toast-close]");
      if (close) { close.addEventListener("click", remove); }
      if (!toast.hasAttribute("data-autohide")) { return; }
      var timer = null;
      var start = function () { timer = window.setTimeout(remove, 8000); };
      var stop = function () { window.clearTimeout(timer); };
      toast.addEventListener("mouseenter", stop);
      toast.addEventListener("focusin", stop);
      toast.addEventListener("mouseleave", start);
      start();
    });
  }

  // data-confirm="Question?" on a form, a submit button or a link asks in the one <dialog> of base.html
  // before going on; data-confirm-button="Delete" names the confirming button. Cancel is focused first,
  // Escape cancels. The server keeps its own confirmation where the action cannot be undone.
  function setUpConfirm() {
    var dialog = document.getElementById("confirm-dialog");
    var ask = function (element, proceed) {
      if (!dialog || typeof dialog.showModal !== "function") {
        if (window.confirm(element.getAttribute("data-confirm"))) { proceed(); }
        return;
      }
      var ok = dialog.querySelector("[data-confirm-ok]");
      var cancel = dialog.querySelector("[data-confirm-cancel]");
      dialog.querySelector("#confirm-dialog-text").textContent = element.getAttribute("data-confirm");
      ok.textContent = element.getAttribute("data-confirm-button") || ok.getAttribute("data-default-label");
      var finish = function (confirmed) {
        ok.removeEventListener("click", onOk);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("close", onClose);
        if (dialog.open) { dialog.close(); }
        if (confirmed) { proceed(); } else if (element.focus) { element.focus(); }
      };
      var onOk = function () { finish(true); };
      var onCancel = function () { finish(false); };
      var onClose = function () { finish(false); };
      ok.addEventListener("click", onOk);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("close", onClose);
      dialog.showModal();
      cancel.focus();
    };
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter || null;
      var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
      if (!source.hasAttribute || !source.hasAttribute("data-confirm")) { return; }
      if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(source, function () {
        form.dataset.confirmed = "1";
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    }, true);
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
      if (!link) { return; }
      event.preventDefault();
      ask(link, function () { window.location.href = link.href; });
    });
  }

  ready(function () {
    // Selects marked data-autosubmit submit their form on change (company and language switchers).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    setUpMenu();
    setUpToasts(document);
    setUpConfirm();
    focusableScrollers(document);
    window.addEventListener("resize", function () { focusableScrollers(document); });
    document.body.addEventListener("htmx:afterSwap", function (event) { focusableScrollers(event.target); });
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

// The live poll (/live/, every 5 s) redraws the bell out of band: not while its list is open, so a
// reader is not interrupted; the next poll after closing it brings the count up to date.
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "bell" && target.querySelector("details[open]")) {
    event.detail.shouldSwap = false;
  }
});
