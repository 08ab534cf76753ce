/* Lists (issue 18): the toolbar's quick filters apply on change; the task board's drag and drop.
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
    var board = document.querySelector("[data-task-board]");
    if (!board) { return; }
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest("[data-task-card]");
      if (!card) { return; }
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("dragging");
    });
    board.addEventListener("dragend", function (event) {
      var card = event.target.closest && event.target.closest("[data-task-card]");
      if (card) { card.classList.remove("dragging"); }
      board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    board.querySelectorAll("[data-status-column]").forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!card) { return; }
        var select = card.querySelector("select[name=status]");
        var status = column.getAttribute("data-status-column");
        if (!select || select.value === status) { return; }
        select.value = status;
        select.form.requestSubmit();
      });
    });
  });
})();
