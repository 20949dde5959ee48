// A participatory budget's knapsack ballot: adds up the costs of the ticked projects as the voter chooses and
// says whether they fit in the budget. Without this script the server checks the total and sends the ballot
// back with its choices and a message.
(function () {
  "use strict";
  if (window.consultPbBallot) { return; }
  window.consultPbBallot = true;

  function format(n) {
    try { return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n); }
    catch (e) { return String(n); }
  }

  function update(box) {
    var limit = Number(box.getAttribute("data-pb-limit")) || 0;
    var sum = 0;
    box.querySelectorAll("input[data-pb-cost]").forEach(function (input) {
      if (input.checked) { sum += Number(input.getAttribute("data-pb-cost")) || 0; }
    });
    var status = box.querySelector("[data-pb-status]");
    if (!status) { return; }
    status.hidden = false;
    status.querySelector("[data-pb-sum]").textContent = format(sum);
    status.querySelector("[data-pb-left]").textContent = format(Math.max(limit - sum, 0));
    var over = sum > limit;
    status.querySelector("[data-pb-over]").hidden = !over;
    status.querySelector("[data-pb-fits]").hidden = over;
    box.classList.toggle("pb-ballot--over", over);
  }

  function all(root) {
    (root || document).querySelectorAll("[data-pb-knapsack]").forEach(update);
  }

  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-pb-knapsack]");
    if (box) { update(box); }
  });
  document.addEventListener("htmx:load", function (event) { all(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { all(); });
  } else {
    all();
  }
})();
