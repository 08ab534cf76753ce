// The calendar's time grid opens scrolled to the working day (08:00); the rest of the day scrolls.
(function () {
  function scrollToWorkday() {
    document.querySelectorAll(".cal-scroll[data-first-hour]").forEach(function (scroller) {
      var hours = scroller.querySelectorAll(".cal-hour");
      var first = parseInt(scroller.getAttribute("data-first-hour"), 10) || 0;
      if (hours[first]) {
        scroller.scrollTop = hours[first].offsetTop;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollToWorkday);
  } else {
    scrollToWorkday();
  }
})();
