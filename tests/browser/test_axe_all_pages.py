"""axe-core (WCAG 2.2 AA) on every page type of the demo, in English and Arabic, signed out and signed in.

The URL list is the one of the smoke and authorization tests (``tests/routes.py``): every GET route of the URL
map, its arguments filled from the demo data, plus the pages of the same routes in their other states (the
held session and the past debate, every minutes, each closed poll: one per voting method, each with its
chart). Routes that do not answer HTML (feeds, CSV, JSON, PDF, Markdown, calendars, event streams, downloads)
are skipped.

Bounded: one browser context per (language, person); a redirect to the same page (sign in) and a repeated
error page are checked once per context, a main content another person already had checked in that language
once; the layout's static parts (footer, account and language menus) on the first page of each context; and
the colour-contrast rule, by far the slowest, in English only (one style sheet with logical properties:
colours do not change with the language).
"""

from __future__ import annotations

import hashlib
import json
import os
import re

import pytest
import sqlalchemy as sa

from consult.demo import load_demo
from consult.extensions import db as _db
from tests.browser.conftest import AXE_TAGS
from tests.routes import DEMO_PASSWORD, add_missing_objects, route_cases

#: answers that are not HTML pages (data, feeds, downloads), never finish loading (event streams), or change
#: the language or the account (the language switch, sign out)
NOT_HTML = re.compile(r"(\.(json|csv|atom|ics|pdf|md|ico|svg)|/events|/healthz|/attachment|/api/v1/[^?]*"
                      r"|/sign-out)$|/attachments/\d+$|^/language/")
#: what differs between two renderings of the same content (CSRF tokens, join codes' QR images)
TOKENS = re.compile(r'value="[^"]{20,}"|csrf_token[^>]*>')
#: parts of the layout that are the same on every page: checked on the first page of each context only
SAME_ON_EVERY_PAGE = [[".site-footer"], [".account-nav"], [".language-nav"]]
#: who is checked: None is a visitor
PEOPLE = (None, "admin", "resident")
LANGUAGES = ("en", "ar")


def _extra_urls() -> list[str]:
    """Pages of the same routes in another state than the one ``route_cases`` picked: the held session and the
    past debate besides the upcoming ones, every minutes, and each closed poll (one per voting method)."""
    from consult.debates.models import Debate
    from consult.meetings.models import CouncilSession
    from consult.minutes.models import Minutes
    from consult.proposals.models import Proposal
    from consult.votes.models import Poll

    urls = [f"/sessions/{i}" for i in _db.session.scalars(sa.select(CouncilSession.id))]
    for debate_id in _db.session.scalars(sa.select(Debate.id)):
        urls += [f"/debates/{debate_id}", f"/debates/{debate_id}/projector"]
    urls += [f"/minutes/{i}" for i in _db.session.scalars(sa.select(Minutes.id))]
    # a process's proposals with the map of those that have a place
    urls += [f"/proposals?process_id={i}" for i in _db.session.scalars(sa.select(Proposal.process_id).where(
        Proposal.latitude.is_not(None)).distinct())]
    for poll_id in _db.session.scalars(sa.select(Poll.id).where(Poll.status == "closed").order_by(Poll.id)):
        urls += [f"/polls/{poll_id}", f"/polls/{poll_id}/results"]
    return urls


def _axe(page, *, contrast: bool, layout: bool) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    context = None if layout else {"exclude": SAME_ON_EVERY_PAGE}
    violations = Axe().run(page, context=context, options=options).response.get("violations", [])
    return [{"id": v["id"], "help": v["help"], "nodes": [n.get("target") for n in v.get("nodes", [])][:4]}
            for v in violations]


def _sign_in(page, base, username):
    page.goto(f"{base}/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.locator(".account-nav__name").count() == 1, f"{username} could not sign in"


@pytest.mark.skipif(bool(os.environ.get("CONSULT_TEST_DATABASE_URL")),
                    reason="the markup does not depend on the database: checked once, in the SQLite pass")
def test_axe_on_every_page_type_in_english_and_arabic(app, live_server, new_context):
    load_demo(progress=False)
    add_missing_objects()
    _db.session.commit()
    urls = [case.url for case in route_cases(app, methods=("GET",))
            if case.url is not None and not NOT_HTML.search(case.url.split("?")[0])]
    urls = list(dict.fromkeys(urls + _extra_urls()))
    assert len(urls) > 60, urls

    found, checked, same_content = {}, 0, {lang: set() for lang in LANGUAGES}
    for lang in LANGUAGES:
        for person in PEOPLE:
            context = new_context(locale=lang)
            page = context.new_page()
            if person:
                _sign_in(page, live_server, person)
            page.goto(f"{live_server}/?lang={lang}")
            assert page.locator("html").get_attribute("lang") == lang
            seen = set()
            # colours do not depend on the language (one style sheet, logical properties): the contrast rule,
            # by far the slowest, runs in English only; every other rule runs in both languages
            contrast = lang == "en"
            for url in urls:
                response = page.goto(live_server + url)
                if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                final = page.url.split("?")[0]
                key = response.status if response.status >= 400 else final
                # a page whose main content another person already had checked in this language (visitor,
                # resident and admin often see the same page) is not checked again
                main = hashlib.sha1(TOKENS.sub("", page.inner_html("main")).encode()).hexdigest()
                if key in seen or main in same_content[lang]:
                    continue
                seen.add(key)
                same_content[lang].add(main)
                checked += 1
                for violation in _axe(page, contrast=contrast, layout=len(seen) == 1):
                    found.setdefault(f"{lang} {person or 'visitor'} {url}", []).append(violation)
            context.close()
    print(f"axe: {checked} pages checked, {len(urls)} URLs per person and language")
    assert checked > 150
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
