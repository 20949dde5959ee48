/* Live debate screens: timers, countdowns and the glue for server-sent events.
 * Everything shown is rendered by the server; this file only makes clocks tick between updates, fills the CSRF
 * field of fragments that the server sends to many people at once, and applies live updates so that they never
 * take a click, a key press or typed text away. No inline code. */
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
    if (!token || !root || !root.querySelectorAll) { return; }
    var fields = root.querySelectorAll("input[data-csrf-fill]");
    for (var i = 0; i < fields.length; i++) { fields[i].value = token; }
  }

  function toArray(list) { return Array.prototype.slice.call(list); }

  /* -- the questions this browser liked ------------------------------------------------------------------
   * The question list is the same for everyone; the page says which questions this person liked
   * (data-liked on #question-list), and each like adds one. After each update they are marked again. */

  var LIKE_PATH = /\/questions\/(\d+)\/like$/;
  var VERSION = /data-version="(\d+)"/;

  function questionList() { return document.getElementById("question-list"); }

  function likedIds(list) {
    var value = list ? list.getAttribute("data-liked") || "" : "";
    return value.split(" ").filter(function (id) { return id !== ""; });
  }

  function markLiked(root) {
    var list = questionList();
    if (!list || !root || (root !== list && !list.contains(root) && !root.contains(list))) { return; }
    likedIds(list).forEach(function (id) {
      var item = document.getElementById("question-" + id);
      if (!item) { return; }
      var mine = item.querySelector(".like__mine");
      var button = item.querySelector(".like__do");
      if (mine) { mine.hidden = false; }
      if (button) { button.hidden = true; }
    });
  }

  /* -- live regions ----------------------------------------------------------------------------------------
   * A region (data-live) gets its new content from a server-sent event (sse-swap) or from a request an event
   * triggered (hx-get). Instead of replacing the whole region, only the nodes that changed are replaced: a
   * form, a button or a field whose markup is the same stays the very same element (with what was typed in it).
   * A form is replaced as a whole when anything in it changed. While a pointer or a key is pressed in the
   * region, a text field in it has the focus, or one of its forms is being sent, the update waits; the newest
   * one is applied as soon as the region is free. An update older than this page's own last like (the debate's
   * version, data-version) is not applied: a newer one is on its way. */

  var pressed = null;
  var pressedAt = 0;
  var IGNORED = { "data-version": true, "data-csrf-fill": true };

  function liveClasses(value) {
    return (value || "").split(/\s+/).filter(function (c) {
      return c && c.indexOf("htmx-") !== 0 && c.indexOf("timer--") !== 0;
    }).sort().join(" ");
  }

  function attributesOf(el) {
    var out = {};
    toArray(el.attributes).forEach(function (attr) {
      if (IGNORED[attr.name]) { return; }
      if (attr.name === "value" && el.getAttribute("name") === "csrf_token") { return; }
      out[attr.name] = attr.name === "class" ? liveClasses(attr.value) : attr.value;
    });
    if (out["class"] === "") { delete out["class"]; }
    return out;
  }

  function sameAttributes(a, b) {
    var x = attributesOf(a), y = attributesOf(b);
    var keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) { return false; }
    return keys.every(function (k) { return y.hasOwnProperty(k) && x[k] === y[k]; });
  }

  /* the markup of a node without what changes by itself: CSRF values, clocks, htmx's working classes */
  function signature(node) {
    var copy = node.cloneNode(true);
    [copy].concat(toArray(copy.querySelectorAll("*"))).forEach(function (el) {
      Object.keys(IGNORED).forEach(function (name) { el.removeAttribute(name); });
      if (el.getAttribute("name") === "csrf_token") { el.removeAttribute("value"); }
      if (el.hasAttribute("data-timer")) { el.textContent = ""; }
      if (el.hasAttribute("class")) {
        var classes = liveClasses(el.getAttribute("class"));
        if (classes) { el.setAttribute("class", classes); } else { el.removeAttribute("class"); }
      }
    });
    return copy.outerHTML;
  }

  function keyOf(node) { return node.nodeType === 1 && node.id ? node.id : null; }

  /* make ``old`` show ``fresh``; returns the node to keep (``old`` itself, or ``fresh`` to put in its place) */
  function morph(old, fresh, added) {
    if (old.nodeType !== 1) {
      if (old.nodeValue !== fresh.nodeValue) { old.nodeValue = fresh.nodeValue; }
      return old;
    }
    if (old.tagName === "FORM") {
      if (signature(old) === signature(fresh)) { return old; }
      added.push(fresh);
      return fresh;
    }
    if (!sameAttributes(old, fresh)) {
      added.push(fresh);
      return fresh;
    }
    if (fresh.hasAttribute("data-version")) { old.setAttribute("data-version", fresh.getAttribute("data-version")); }
    morphChildren(old, fresh, added);
    return old;
  }

  function morphChildren(parent, freshParent, added) {
    var olds = toArray(parent.childNodes);
    var byKey = {};
    olds.forEach(function (node) { var key = keyOf(node); if (key) { byKey[key] = node; } });
    var used = [];
    var keep = [];
    var cursor = 0;
    toArray(freshParent.childNodes).forEach(function (fresh) {
      var key = keyOf(fresh);
      var match = null;
      if (key) {
        match = byKey[key] || null;
      } else {
        for (var j = cursor; j < olds.length; j++) {
          var candidate = olds[j];
          if (used.indexOf(candidate) < 0 && !keyOf(candidate) && candidate.nodeType === fresh.nodeType &&
              candidate.nodeName === fresh.nodeName) {
            match = candidate;
            cursor = j + 1;
            break;
          }
        }
      }
      if (match && used.indexOf(match) >= 0) { match = null; }
      if (match) { used.push(match); }
      var node = match ? morph(match, fresh, added) : fresh;
      if (!match && fresh.nodeType === 1) { added.push(fresh); }
      keep.push(node);
    });
    olds.forEach(function (node) { if (keep.indexOf(node) < 0) { parent.removeChild(node); } });
    keep.forEach(function (node, i) {
      var here = parent.childNodes[i] || null;
      if (here !== node) { parent.insertBefore(node, here); }
    });
  }

  function isTextField(el) {
    if (!el || !el.tagName) { return false; }
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
    return el.tagName === "INPUT" && !/^(hidden|submit|button|reset|checkbox|radio)$/i.test(el.type);
  }

  function busy(region) {
    if (pressed && region.contains(pressed) && Date.now() - pressedAt < 10000) { return true; }
    if (isTextField(document.activeElement) && region.contains(document.activeElement)) { return true; }
    return region.querySelector(".htmx-request") !== null;
  }

  function versionOf(html) {
    var match = VERSION.exec(html || "");
    return match ? parseInt(match[1], 10) : null;
  }

  function apply(region) {
    var html = region.liveUpdate;
    if (html === undefined || html === null || !document.body.contains(region)) { return; }
    if (busy(region)) { return; }
    region.liveUpdate = null;
    var version = versionOf(html);
    if (version !== null && version < (region.liveFloor || 0)) { return; }  // older than our own action
    var template = document.createElement("template");
    template.innerHTML = html;
    var added = [];
    morphChildren(region, template.content, added);
    added.forEach(function (node) {
      if (node.nodeType === 1 && document.body.contains(node) && window.htmx) { window.htmx.process(node); }
    });
    fillCsrf(region);
    markLiked(region);
    tick();
  }

  function update(region, html) {
    region.liveUpdate = html;
    apply(region);
  }

  var retry = null;

  function flush() {
    var waiting = false;
    toArray(document.querySelectorAll("[data-live]")).forEach(function (region) {
      apply(region);
      if (region.liveUpdate) { waiting = true; }
    });
    window.clearTimeout(retry);
    if (waiting) { retry = window.setTimeout(flush, 250); }
  }

  function later() { window.setTimeout(flush, 0); }

  /* -- what changed in the question list ------------------------------------------------------------------
   * A flood of likes is sent as the items that changed ("question-changes": an <ol> holding them, with the
   * new order in data-order when it is not the same). They are put into the list this region shows, or will
   * show (an update waiting), and the whole is applied as any update. A region that holds no list to put
   * them in (it should not happen) fetches the list again (data-refresh). */

  function withChanges(region, html) {
    var base = document.createElement("template");
    base.innerHTML = region.liveUpdate !== undefined && region.liveUpdate !== null ? region.liveUpdate : region.innerHTML;
    var changes = document.createElement("template");
    changes.innerHTML = html || "";
    var list = base.content.querySelector("ol.questions");
    var delta = changes.content.querySelector("ol");
    if (!list || !delta) { return null; }
    var items = {};
    toArray(list.children).forEach(function (item) { if (item.id) { items[item.id] = item; } });
    toArray(delta.children).forEach(function (item) {
      if (item.id && items[item.id]) { list.replaceChild(item, items[item.id]); }
      else if (item.id) { list.appendChild(item); }
      if (item.id) { items[item.id] = item; }
    });
    var order = delta.getAttribute("data-order");
    if (order !== null) {
      var wanted = order.split(" ").filter(function (id) { return id !== ""; });
      var missing = wanted.some(function (id) { return !items["question-" + id]; });
      if (missing) { return null; }
      toArray(list.children).forEach(function (item) { list.removeChild(item); });
      wanted.forEach(function (id) { list.appendChild(items["question-" + id]); });
    }
    list.setAttribute("data-version", delta.getAttribute("data-version") || list.getAttribute("data-version"));
    return base.innerHTML;
  }

  function refresh(region) {
    var url = region.getAttribute("data-refresh");
    if (url && window.htmx) { window.htmx.ajax("GET", url, { source: region, target: region, swap: "innerHTML" }); }
  }

  // a server-sent part for a region (sse-swap): applied here instead of htmx's whole swap
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var region = event.target;
    if (!region || !region.hasAttribute || !region.hasAttribute("data-live")) { return; }
    event.preventDefault();
    var html = event.detail && event.detail.data;
    if (event.detail && event.detail.type === "question-changes") {
      html = withChanges(region, html);
      if (html === null) { refresh(region); return; }
    }
    update(region, html);
    if (region.liveUpdate) { later(); }
  });

  // a region's own refresh (hx-get triggered by an event): same; an error answer leaves the region as it is
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var region = detail.target;
    if (!region || detail.elt !== region || !region.hasAttribute("data-live")) { return; }
    detail.shouldSwap = false;
    if (detail.isError || detail.xhr.status !== 200) { return; }
    update(region, detail.serverResponse);
    if (region.liveUpdate) { later(); }
  });

  // this page's own like: the list must not go back to a version before it; the question stays marked
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var path = (detail.pathInfo && detail.pathInfo.requestPath) || "";
    var like = LIKE_PATH.exec(path.split("?")[0]);
    var list = questionList();
    if (like && detail.successful && list) {
      var version = versionOf(detail.xhr && detail.xhr.responseText);
      if (version !== null) { list.liveFloor = Math.max(list.liveFloor || 0, version); }
      var ids = likedIds(list);
      if (ids.indexOf(like[1]) < 0) { ids.push(like[1]); list.setAttribute("data-liked", ids.join(" ")); }
    }
    later();
  });

  // a pressed pointer or key holds the updates of its region until it is released (and the click is done)
  function press(target) { pressed = target; pressedAt = Date.now(); }
  document.addEventListener("pointerdown", function (event) { press(event.target); }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === " " || event.key === "Enter") { press(event.target); }
  }, true);
  function release() {
    if (pressed === null) { return; }
    pressed = null;
    later();
  }
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);
  document.addEventListener("keyup", release, true);
  document.addEventListener("focusout", later, true);

  document.addEventListener("DOMContentLoaded", function () { fillCsrf(document); markLiked(questionList()); tick(); });
  document.addEventListener("htmx:afterSwap", function (event) { fillCsrf(event.target); markLiked(event.target); tick(); });
  document.addEventListener("htmx:sseMessage", function (event) { fillCsrf(event.target); tick(); });
  window.setInterval(tick, 1000);
})();
