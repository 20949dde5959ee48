"""The XSS corpus (tests/security/xss_vectors.py) through every user text field, checked in Chromium.

The data goes in through the services (tests/security/corpus.py); then every page that shows a field is opened
as a visitor, as staff (every platform role, edit forms with the vectors in ``value`` and ``<textarea>``) and
as the author of the main proposal. On each page:

- an init script replaces ``alert``/``confirm``/``prompt``/``print`` and traps ``window.__xss``; it also
records
  every Content-Security-Policy violation (an inline script, handler, style or ``javascript:`` URL that
  reached the DOM is blocked by the CSP *and* reported; the CSP is the second wall, not the first);
- a dialog handler records any dialog;
- every request is watched: one to another host or to a ``/xss…`` path is a vector at work;
- the DOM is read: no ``on*`` attribute, no ``hx-*`` attribute from user text, no script other than the
layout's
  own files from /static, no ``javascript:``/``data:``/``vbscript:`` URL in a link or source, no frame,
  object, embed, base, style element, user-named element (DOM clobbering), form or meta refresh from user
  text, and no template expression evaluated.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.security import corpus as corpus_module
from tests.security.xss_vectors import EVALUATED, MARK, VECTORS

TRAP = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__xssHits", {value: hits});
  const hit = (what) => hits.push(String(what).slice(0, 300));
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { hit(name + "(" + args.join(",") + ")"); };
  }
  Object.defineProperty(window, "__xss", {set(v) { hit("window.__xss=" + v); }, get() { return undefined; }});
  window.addEventListener("securitypolicyviolation", (e) => {
    hit("CSP " + e.violatedDirective + " blocked " + e.blockedURI + " " + (e.sample || ""));
  }, true);
})();
"""

INSPECT = """
(mark) => {
  const problems = [];
  const re = new RegExp(mark, "i");
  const badUrl = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data)\\s*:/i;
  const always = new Set(["iframe", "object", "embed", "frame", "frameset", "base", "applet", "style"]);
  const urlAttrs = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                            "background", "srcset", "ping", "codebase", "cite", "manifest"]);
  const say = (why, el) => problems.push(why + ": " + el.outerHTML.slice(0, 200));
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (always.has(tag)) say("element <" + tag + ">", el);
    if (tag === "script" && (!el.getAttribute("src") || !el.getAttribute("src").startsWith("/static/")
                             || re.test(el.getAttribute("src")) || el.textContent.trim())) {
      if (el.type !== "application/json" || re.test(el.textContent)) say("script", el);
    }
    if (tag === "link" && (new URL(el.getAttribute("href") || "", location.href).origin !== location.origin
                           || badUrl.test(el.getAttribute("href") || ""))) say("link", el);
    if (tag === "meta" && (el.httpEquiv || re.test(el.outerHTML)) && el.closest("body")) say("meta", el);
    if (tag === "form") {  // el.action may be a clobbered <input name="action">: read the attribute
      const action = el.getAttribute("action") || "";
      if (badUrl.test(action) || new URL(action, location.href).origin !== location.origin) say("form", el);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      // the page's CSRF token is random text of its own: it may spell the marker by chance
      const value = name === "hx-headers" ? attr.value.replace(/"X-CSRFToken":\\s*"[^"]*"/, "") : attr.value;
      if (name.startsWith("on")) say("handler " + name, el);
      if ((name.startsWith("hx-") || name.startsWith("data-hx-")) && (re.test(value) || re.test(name)
          || name.startsWith("hx-on") || name.startsWith("data-hx-on"))) say("htmx " + name, el);
      if (urlAttrs.has(name) && badUrl.test(value)
          && !(tag === "img" && /^data:image\\/(png|jpeg|gif|webp);/i.test(value))) say("url " + name, el);
      if (name === "srcdoc") say("srcdoc", el);
      if (name === "style" && (re.test(value) || /expression|url\\(|fixed/i.test(value))) say("style", el);
      if (["id", "name", "class", "form"].includes(name) && re.test(value)) say("user-named " + name, el);
      if (name === "id" && ["htmx", "getElementById"].includes(value)) say("clobbering id", el);
    }
  }
  return problems;
}
"""

#: pages that are not HTML for a browser (feeds, calendars): checked by tests/security/test_xss_markup.py
NOT_HTML = (".atom", ".ics", ".json", ".md", ".pdf", ".csv")
ICS_LINE = re.compile(r"^[A-Z][A-Z0-9-]*[;:]")
#: pages also opened as a visitor (the rest are opened signed in as staff, who see what visitors see and more)
VISITOR_PAGES = ("proposal", "debate", "session")
#: pages that show no user text of their own (they are opened anyway)
NO_TEXT = ("home",)


@pytest.fixture
def corpus(db):
    return corpus_module.build()


class _Watch:
    """One browser context with the traps, and what it saw."""

    def __init__(self, context, base):
        self.base = base
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        context.add_init_script(TRAP)
        self.page = context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.checked = 0

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request):
        url = request.url
        if url.startswith("data:"):
            return
        path = urlparse(url).path.lower()
        if not url.startswith(self.base) or path.startswith((f"/{MARK}", f"/static/js/{MARK}")):
            self.requests.append(url)

    def visit(self, where: str, path: str) -> list[str]:
        response = self.page.goto(f"{self.base}{path}", wait_until="load")
        if response is None or response.status >= 400:
            return [f"{where} ({path}): status {response and response.status}"]
        self.checked += 1
        problems = [f"{where} ({path}): {p}" for p in self.page.evaluate(INSPECT, MARK)]
        hits = self.page.evaluate("window.__xssHits")
        problems += [f"{where} ({path}): ran or was blocked: {h}" for h in hits]
        html = self.page.content()
        if EVALUATED in html:
            problems.append(f"{where} ({path}): a template expression was evaluated")
        if MARK not in html.lower() and where not in NO_TEXT:
            problems.append(f"{where} ({path}): the page shows no vector at all (is the data there?)")
        problems += [f"{where} ({path}): dialog {d}" for d in self.dialogs]
        problems += [f"{where} ({path}): request {r}" for r in self.requests]
        self.dialogs.clear()
        self.requests.clear()
        return problems


def _check_other_formats(watch: _Watch, pages: dict[str, str]) -> list[str]:
    """Feeds, calendars, JSON, Markdown, CSV: never served as HTML; a feed's HTML content is safe once
    unescaped (a feed reader renders it); a calendar's text cannot add lines of its own (no new event from a
    title)."""
    problems = []
    for where, path in pages.items():
        if not path.split("?")[0].endswith(NOT_HTML) and not path.startswith("/api/"):
            continue
        response = watch.page.request.get(f"{watch.base}{path}")
        kind = response.headers.get("content-type", "")
        body = response.text()
        if response.status >= 400:
            problems.append(f"{where} ({path}): status {response.status}")
            continue
        if "html" in kind or response.headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{where} ({path}): served as {kind!r} without nosniff")
        if MARK not in body.lower():
            problems.append(f"{where} ({path}): shows no vector (is the data there?)")
        if path.endswith(".atom"):
            problems += [f"{where} ({path}): {p}" for p in _feed_problems(body)]
        if path.endswith(".ics"):
            for line in re.split(r"\r?\n", body):  # a calendar's lines end with CRLF (not at a form feed)
                if line and not line.startswith((" ", "\t")) and not ICS_LINE.match(line) \
                        or line.upper().startswith(f"SUMMARY:{MARK.upper()}"):
                    problems.append(f"{where} ({path}): a line of its own from user text: {line!r:.100}")
    return problems


def _feed_problems(xml: str) -> list[str]:
    from xml.etree import ElementTree

    from tests.comments.xss import unsafe_markup

    problems = []
    for element in ElementTree.fromstring(xml).iter():
        if element.get("type") in ("html", "xhtml") and element.text:
            problems += unsafe_markup(element.text)
    return problems


def _visit_all(watch: _Watch, pages: dict[str, str]) -> list[str]:
    problems = []
    for where, path in pages.items():
        if path.split("?")[0].endswith(NOT_HTML) or path.startswith("/api/"):
            continue
        problems += watch.visit(where, path)
    return problems


def test_the_checks_catch_a_vector_that_gets_through(live_server, new_context):
    """A page served with the platform's CSP but with vectors left unescaped: every check finds its kind."""
    from consult.core.security import CSP

    watch = _Watch(new_context(), live_server)
    body = (f'<!doctype html><html lang="en"><head><title>t</title>'
            f'<script src="/static/vendor/htmx/htmx.min.js" defer></script></head><body><main><p>{MARK}</p>'
            f'<img src="/static/nothing.png" onerror="alert(1)"><div hx-get="/{MARK}1" '
            'hx-trigger="load">h</div>'
            f'<a href="javascript:alert(2)">a</a><script>alert(3)</script><iframe srcdoc="x"></iframe>'
            f'<p>{EVALUATED}</p></main></body></html>')
    watch.page.route(f"{live_server}/canary", lambda route: route.fulfill(
        status=200, body=body,
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP}))
    watch.page.goto(f"{live_server}/canary")
    watch.page.wait_for_timeout(300)  # the image error and htmx's load trigger
    watch.page.goto("about:blank")
    watch.requests.clear()
    found = " ".join(watch.visit("canary", "/canary") + [watch.page.wait_for_timeout(300) or ""]
                     + watch.page.evaluate("window.__xssHits") + watch.requests)
    for expected in ("handler onerror", "htmx hx-get", "url href", "script", "element <iframe>", "srcdoc",
                     "CSP script-src", "template expression", f"/{MARK}1"):
        assert expected in found, (expected, found)


def test_no_vector_runs_in_any_field(live_server, new_context, corpus):
    started = time.monotonic()
    assert len(VECTORS) >= 100
    assert len(corpus.fields) >= 60, sorted(corpus.fields)
    problems = []

    # staff see what visitors see, plus the forms, edit pages and queues
    staff = _Watch(new_context(), live_server)
    sign_in(staff.page, live_server, corpus_module.STAFF)
    problems += _visit_all(staff, {**corpus.public, **corpus.staff})

    problems += _check_other_formats(staff, {**corpus.public, **corpus.staff})

    visitor = _Watch(new_context(), live_server)
    problems += _visit_all(visitor, {k: corpus.public[k] for k in VISITOR_PAGES})

    author = _Watch(new_context(), live_server)
    sign_in(author.page, live_server, corpus.author_username)
    problems += _visit_all(author, corpus.author)
    expect(author.page.locator(".account-nav__name")).to_be_visible()

    checked = visitor.checked + staff.checked + author.checked
    assert not problems, f"{len(problems)} problems on {checked} pages:\n" + "\n".join(problems[:60])
    assert checked >= 50, checked
    print(f"XSS corpus: {len(VECTORS)} vectors, {len(corpus.fields)} fields, {checked} pages in "
          f"{time.monotonic() - started:.1f} s")
