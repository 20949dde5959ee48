/* Small progressive enhancements. Everything works without this file. No inline code (the CSP forbids it). */
(function () {
  "use strict";

  // A boosted navigation swaps the <body> only: htmx drops the answer's <head> (but its title) and never
  // touches <html>. So a page that comes in another language (after signing in or out, a change of language
  // in the profile) would keep the previous lang and dir (Arabic laid out left to right until a reload), and
  // a page's own stylesheets (councils.css, minutes.css...) would be missing (the agenda's list numbers then
  // showed beside the item numbers: "1. 1. Opening"). Whenever a whole page is swapped in, the document
  // takes its lang, its dir and its stylesheets: the server's answer is the one source, whatever the form or
  // link that led there.
  var PAGE_START = /^\s*(?:<!doctype[^>]*>\s*)?(<html\b[^>]*>)\s*(<head\b[\s\S]*?<\/head>)?/i;

  function adoptPage(responseText) {
    var match = PAGE_START.exec(responseText.slice(0, 20000));
    if (!match) { return; }  // a fragment: the page around it stays as it is
    var parsed = new DOMParser().parseFromString(match[1] + (match[2] || "") + "</html>", "text/html");
    var root = document.documentElement;
    ["lang", "dir"].forEach(function (name) {
      var value = parsed.documentElement.getAttribute(name);
      if (value && root.getAttribute(name) !== value) { root.setAttribute(name, value); }
    });
    if (!match[2]) { return; }
    var wanted = Array.prototype.map.call(parsed.head.querySelectorAll('link[rel="stylesheet"]'),
      function (link) { return link.getAttribute("href"); });
    Array.prototype.forEach.call(document.head.querySelectorAll('link[rel="stylesheet"]'), function (link) {
      var at = wanted.indexOf(link.getAttribute("href"));
      if (at === -1) { link.remove(); } else { wanted.splice(at, 1); }
    });
    wanted.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
  }

  // A list of choices refreshed while the person ticks (data-keep-checks): the answer echoes the boxes as they
  // were when the request left, so a box ticked or unticked since then keeps the person's state.
  var keptChecks = null;
  function checkKey(box) { return box.name + "\u0000" + box.value; }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    keptChecks = null;
    if (target && target.hasAttribute && target.hasAttribute("data-keep-checks")) {
      keptChecks = {};
      Array.prototype.forEach.call(target.querySelectorAll('input[type="checkbox"]'), function (box) {
        keptChecks[checkKey(box)] = box.checked;
      });
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var target = event.detail && event.detail.target;
    if (keptChecks && target && target.hasAttribute && target.hasAttribute("data-keep-checks")) {
      Array.prototype.forEach.call(target.querySelectorAll('input[type="checkbox"]'), function (box) {
        var key = checkKey(box);
        if (Object.prototype.hasOwnProperty.call(keptChecks, key)) { box.checked = keptChecks[key]; }
      });
    }
    keptChecks = null;
    if (xhr && typeof xhr.responseText === "string") { adoptPage(xhr.responseText); }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // After a boosted navigation, put keyboard and screen-reader focus on the new main content.
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
      showLinkedComment();
    }
  });

  // A link to a comment (#comment-<id>) that the page does not show: a long thread shows its first and latest
  // comments, and the one ?comment=<id> names. The page is asked again, naming it (links made by the server
  // name it already; this serves links people copied).
  function showLinkedComment() {
    var match = /^#comment-(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("comment-" + match[1]) || !document.querySelector(".comments")) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("comment") === match[1]) { return; }  // asked already: the comment is not on this page
    params.set("comment", match[1]);
    window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
  }
  showLinkedComment();
  window.addEventListener("hashchange", showLinkedComment);
})();
