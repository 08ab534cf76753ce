/* Lists (issue 18): the toolbar's quick filters apply on change; the column choice; the task board's drag and drop.
   No inline scripts (CSP): everything hangs off data attributes. Without JavaScript every form still works. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // Quick filters (the selects beside the search box) apply at once.
    document.querySelectorAll(".list-filters .list-quick select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });

    // Columns: with every column ticked the query string needs no column choice (a shorter, cleaner URL).
    document.querySelectorAll(".list-filters").forEach(function (form) {
      form.addEventListener("formdata", function (event) {
        var options = form.querySelectorAll("[data-column-option]");
        if (!options.length) { return; }
        if (Array.prototype.every.call(options, function (box) { return box.checked; })) { event.formData.delete("cols"); }
      });
    });

    // Row actions: one menu open at a time; Escape or a click elsewhere closes it; an opened menu is
    // scrolled into the table's frame. Escape also closes the toolbar's open panels, focus back on their
    // summary. Without JavaScript the <details> menus still open and close.
    document.addEventListener("toggle", function (event) {
      var menu = event.target;
      if (!menu.matches || !menu.matches("details.row-menu") || !menu.open) { return; }
      document.querySelectorAll("details.row-menu[open]").forEach(function (other) {
        if (other !== menu) { other.open = false; }
      });
      var list = menu.querySelector("ul");
      if (list) { list.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    }, true);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      // A row's menu, or one of the toolbar's disclosures ("Views", "More filters", "Columns").
      var menu = event.target.closest && event.target.closest(
        "details.row-menu[open], .list-toolbar details[open]"
      );
      if (!menu) { return; }
      menu.open = false;
      menu.querySelector("summary").focus();
    });
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.row-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.open = false; }
      });
    });

    // A row action that posts and comes back to this list ("Mark done" on a task) would leave focus on the
    // page's body: the row's place is remembered (sessionStorage) and, back on the same address, focus goes
    // to the menu button of the row now in that place (the last row's if the list got shorter), or to the
    // table when no row is left.
    var RETURN_KEY = "crm:row-action-return";
    var here = function () { return location.pathname + location.search; };
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var row = button && button.closest && button.closest("details.row-menu") && button.closest("tr");
      if (!row) { return; }
      var index = Array.prototype.indexOf.call(row.parentElement.children, row);
      try { sessionStorage.setItem(RETURN_KEY, JSON.stringify({ url: here(), index: index })); } catch (e) { /* storage off */ }
    }, true);
    var back = null;
    try {
      back = JSON.parse(sessionStorage.getItem(RETURN_KEY) || "null");
      sessionStorage.removeItem(RETURN_KEY);
    } catch (e) { back = null; }
    if (back && back.url === here()) {
      var buttons = document.querySelectorAll(".table-wrap tbody details.row-menu > summary");
      var target = buttons[Math.min(back.index, buttons.length - 1)];
      if (!target) {
        target = document.querySelector(".table-wrap table");
        if (target) { target.setAttribute("tabindex", "-1"); }
      }
      if (target) { target.focus(); }
    }

    // Bulk actions: "select all" checks every row's box; the bar says how many are chosen.
    document.querySelectorAll("[data-bulk-all]").forEach(function (all) {
      var form = document.getElementById(all.getAttribute("data-bulk-all"));
      if (!form) { return; }
      var boxes = function () { return document.querySelectorAll("input[name=selected][form='" + form.id + "']"); };
      var counter = form.querySelector("[data-bulk-count]");
      var update = function () {
        var n = Array.prototype.filter.call(boxes(), function (box) { return box.checked; }).length;
        if (counter) { counter.textContent = counter.getAttribute("data-template").replace("%s", n); }
        form.querySelectorAll("button[data-needs-selection]").forEach(function (b) { b.disabled = n === 0; });
      };
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
      document.addEventListener("change", function (event) {
        if (event.target.matches && event.target.matches("input[name=selected]")) { update(); }
      });
      update();
    });

    // Task board: drag a card onto a column; the card's own status form posts the move (htmx or plain).
    // Listeners sit on the document: htmx replaces the board after every move.
    var column = function (event) { return event.target.closest && event.target.closest("[data-status-column]"); };
    document.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest("[data-task-card]");
      if (!card) { return; }
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("dragging");
    });
    document.addEventListener("dragend", function () {
      document.querySelectorAll(".dragging, .drop-target").forEach(function (element) {
        element.classList.remove("dragging", "drop-target");
      });
    });
    document.addEventListener("dragover", function (event) {
      var target = column(event);
      if (!target) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      target.classList.add("drop-target");
    });
    document.addEventListener("dragleave", function (event) {
      var target = column(event);
      if (target && !target.contains(event.relatedTarget)) { target.classList.remove("drop-target"); }
    });
    document.addEventListener("drop", function (event) {
      var target = column(event);
      if (!target) { return; }
      event.preventDefault();
      target.classList.remove("drop-target");
      var card = document.getElementById(event.dataTransfer.getData("text/plain"));
      var select = card && card.querySelector("select[name=status]");
      var status = target.getAttribute("data-status-column");
      if (!select || select.value === status) { return; }
      select.value = status;
      select.form.requestSubmit();
    });
    // After a move the board is new: focus goes back to the moved card's status select.
    document.body.addEventListener("htmx:afterSwap", function () {
      var board = document.querySelector("[data-task-board][data-moved]");
      var card = board && document.getElementById(board.getAttribute("data-moved"));
      var select = card && card.querySelector("select[name=status]");
      if (select) { select.focus(); }
    });
  });
})();
