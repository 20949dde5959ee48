"""Arabic pages where right-to-left text meets left-to-right names, dates and codes, laid out by Chromium.

* Arabic minutes have an Arabic title, the session's name isolated in it: read from the right, "المحضر", the
  name, then the date, whose day is right of its year ("7 ديسمبر 2026").
* The register form's help quotes dates ("1990-03-25"): on a phone-sized screen they stay on one line, whole.
* A resident verified with a card states their birth year on the page an age rule's refusal links to (axe).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.accounts import services as accounts
from consult.extensions import db as _db
from consult.minutes import services
from tests.browser.conftest import axe_check, sign_in
from tests.minutes.fixtures import record

pytestmark = pytest.mark.browser

#: the left edge of each part of the minutes' title (text found in the heading's text nodes)
TITLE_POSITIONS = """() => {
  const heading = document.getElementById("minutes-title");
  const left = (needle) => {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at !== -1) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        return range.getBoundingClientRect().left;
      }
    }
    return null;
  };
  const bdi = heading.querySelector("bdi");
  return {minutes: left("المحضر"), name: bdi ? bdi.getBoundingClientRect().left : null,
          day: left("7 "), month: left("ديسمبر"), year: left("2026"),
          lines: heading.getClientRects().length, direction: getComputedStyle(heading).direction};
}"""


@pytest.fixture
def arabic_minutes(live_server, make_user, app):
    secretary = make_user("secretary", display_name="Mariam")
    president = make_user("president", display_name="Adama")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=1)
    accounts.grant_role(president, "president", scope_type="council", scope_id=1)
    minutes = services.create_draft(record(title="Extraordinary session", starts_at="2026-12-07T17:30:00",
                                           ends_at="2026-12-07T19:00:00"), council_id=1)
    for document in (minutes, None):
        if document is None:
            document = services.start_translation(minutes, "ar", actor=secretary,
                                                  languages=app.config["LANGUAGES"])
            services.save_revision(document, document.body + "\nترجمة.\n", author=secretary)
        services.submit(document, actor=secretary)
        services.approve(document, actor=president)
        services.publish(document, actor=secretary)
    _db.session.commit()
    return document


def test_the_arabic_minutes_title_is_arabic_and_reads_in_order(live_server, new_context, arabic_minutes):
    page = new_context(locale="ar").new_page()
    page.goto(f"{live_server}/minutes/{arabic_minutes.id}")
    heading = page.locator("#minutes-title")
    expect(heading).to_have_text("المحضر: Extraordinary session، 7 ديسمبر 2026")
    expect(heading.locator("bdi")).to_have_text("Extraordinary session")
    at = page.evaluate(TITLE_POSITIONS)
    assert at["direction"] == "rtl" and at["lines"] == 1, at
    # right to left: the word for minutes, the name, then the date: day, month, year
    assert at["minutes"] > at["name"] > at["day"] > at["month"] > at["year"], at
    assert page.title().startswith("المحضر: Extraordinary session، 7 ديسمبر 2026")


def test_date_examples_in_the_arabic_register_help_stay_whole(live_server, new_context, make_user):
    make_user("newcomer", language="ar")
    page = new_context(locale="en-US", viewport={"width": 360, "height": 800}).new_page()
    sign_in(page, live_server, "newcomer", "correct horse battery")
    page.goto(f"{live_server}/verify")  # in Arabic, the account's language
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    examples = page.locator("#birth_date-help bdi.nowrap")
    expect(examples).to_have_count(4)  # the two formats and the two examples
    for i in range(examples.count()):
        example = examples.nth(i)
        assert example.evaluate("e => e.getClientRects().length") == 1, example.inner_text()
        assert example.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        assert example.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert [examples.nth(i).inner_text() for i in range(4)] == ["YYYY-MM-DD", "DD/MM/YYYY", "1990-03-25",
                                                                "25/03/1990"]


def test_a_card_resident_states_the_birth_year_in_arabic(live_server, new_context, make_user, db):
    """The page that an age rule's refusal links to, in Arabic: accessible, and it saves the year."""
    from consult.residency import services as residency
    from consult.residency.models import ResidentStatus

    registrar = make_user("desk", roles=("registrar",))
    person = make_user("amina", language="ar")
    _batch, codes = residency.issue_card_codes(registrar, count=1, valid_days=30, label="Desk")
    residency.redeem_card_code(person, codes[0])
    db.session.commit()
    page = new_context(locale="en-US").new_page()
    sign_in(page, live_server, "amina", "correct horse battery")
    page.goto(f"{live_server}/verify/birth-year")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    axe_check(page)
    page.locator("#birth_year").fill("1994")
    page.locator("#honour").check()
    page.locator("main form button[type=submit], main form input[type=submit]").click()
    expect(page.locator(".alert--success")).to_be_visible()
    status = db.session.get(ResidentStatus, person.id)
    db.session.refresh(status)
    assert (status.birth_year, status.birth_year_declared) == (1994, True)
