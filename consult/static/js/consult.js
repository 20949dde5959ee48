/* Small progressive enhancements. Everything works without this file. No inline code (the CSP forbids it). */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    // After a boosted navigation, put keyboard and screen-reader focus on the new main content.
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
    }
  });
})();
