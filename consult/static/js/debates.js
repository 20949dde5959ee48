/* Live debate screens: timers, countdowns and the glue for server-sent events.
 * Everything shown is rendered by the server; this file only makes clocks tick between updates
 * and fills the CSRF field of fragments that the server sends to many people at once. No inline code. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(seconds) {
    var negative = seconds < 0;
    var s = Math.abs(Math.floor(seconds));
    return (negative ? "-" : "") + Math.floor(s / 60) + ":" + pad(s % 60);
  }

  function now() { return Date.now() / 1000; }

  function tick() {
    var timers = document.querySelectorAll("[data-timer]");
    for (var i = 0; i < timers.length; i++) {
      var el = timers[i];
      var since = parseFloat(el.getAttribute("data-since"));
      if (isNaN(since)) { continue; }
      if (el.getAttribute("data-timer") === "up") {
        var used = (parseFloat(el.getAttribute("data-base")) || 0) + Math.max(0, now() - since);
        el.textContent = clock(used);
        var planned = parseFloat(el.getAttribute("data-planned"));
        el.classList.toggle("timer--over", !isNaN(planned) && used > planned);
      } else {
        var left = (parseFloat(el.getAttribute("data-limit")) || 0) - Math.max(0, now() - since);
        el.textContent = clock(left);
        el.classList.toggle("timer--warning", left <= 15 && left > 0);
        el.classList.toggle("timer--over", left <= 0);
      }
    }
  }

  function csrfToken() {
    var body = document.body;
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function fillCsrf(root) {
    var token = csrfToken();
    if (!token) { return; }
    var fields = (root || document).querySelectorAll("input[data-csrf-fill]");
    for (var i = 0; i < fields.length; i++) { fields[i].value = token; }
  }

  document.addEventListener("DOMContentLoaded", function () { fillCsrf(document); tick(); });
  document.addEventListener("htmx:afterSwap", function (event) { fillCsrf(event.target); tick(); });
  document.addEventListener("htmx:sseMessage", function (event) { fillCsrf(event.target); tick(); });
  window.setInterval(tick, 1000);
})();
