// The mention picker: in a textarea[data-mentions], "@" suggests people and departments, "#" partners,
// products, orders, threads and tasks. Arrow keys move, Enter/Tab insert the token, Escape closes.
(function () {
  "use strict";
  var TRIGGER = /(^|\s)([@#])([^\s@#\[\]]{0,40})$/;

  function attach(area) {
    var url = area.getAttribute("data-mention-url");
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.id = (area.id || "mentions") + "-suggestions";
    list.hidden = true;
    area.parentNode.insertBefore(list, area.nextSibling);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var items = [], active = -1, match = null, timer = null, sequence = 0;

    function close() {
      // A reply still on its way (or a lookup still waiting) must not reopen the list after this.
      clearTimeout(timer);
      sequence++;
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) { area.setAttribute("aria-activedescendant", options[index].id); }
    }

    function insert(index) {
      if (!match || !items[index]) { return; }
      var before = area.value.slice(0, match.start), after = area.value.slice(area.selectionStart);
      var token = items[index].token + " ";
      area.value = before + token + after;
      var caret = before.length + token.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }

    function show(results) {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      items = results;
      if (!items.length) { return; }
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.className = "mention-option";
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.textContent = item.label + (item.detail ? " — " + item.detail : "");
        option.addEventListener("mousedown", function (event) { event.preventDefault(); insert(index); });
        list.appendChild(option);
      });
      list.hidden = false;
      highlight(0);
    }

    function lookup() {
      var text = area.value.slice(0, area.selectionStart);
      var found = TRIGGER.exec(text);
      if (!found) { match = null; close(); return; }
      // Typing goes on while a lookup waits: the request uses this keystroke's own values, never
      // `match` as it is when the timer fires (it may be null by then).
      var current = { start: text.length - found[2].length - found[3].length, trigger: found[2], query: found[3] };
      match = current;
      clearTimeout(timer);
      var mine = ++sequence;
      timer = setTimeout(function () {
        fetch(url + "?trigger=" + encodeURIComponent(current.trigger) + "&q=" + encodeURIComponent(current.query), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        }).then(function (data) {
          if (mine === sequence && match === current) { show(data.results || []); }
        }).catch(function () { if (mine === sequence) { close(); } });
      }, 150);
    }

    area.addEventListener("input", lookup);
    area.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); insert(active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () { document.querySelectorAll("textarea[data-mentions]").forEach(attach); });
})();
