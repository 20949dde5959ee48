"""The document's language and direction follow the page that is shown, also after a boosted (htmx) swap.

A boosted form or link swaps the <body> only; the <html lang dir> and the page's own stylesheets come from the
answer too (static/js/consult.js). Checked right after the action, in the same document (no reload): signing
in through the form with an Arabic, French or Italian account, changing the language in the profile, signing
out, the language switcher; and the agenda of a council session reached through boosted links, whose
stylesheet (councils.css) hides the list numbers beside the item numbers ("1. 1. Opening").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.meetings import services as meetings
from tests.browser.conftest import sign_in
from tests.meetings.conftest import council_setup  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def mark_document(page):
    """A flag on this document: still there afterwards means no reload happened."""
    page.evaluate("window.__sameDocument = true")


def assert_same_document(page):
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def language_of(page) -> tuple[str, str]:
    return tuple(page.evaluate("[document.documentElement.lang, document.documentElement.dir]"))


def wait_for_language(page, lang: str, direction: str):
    page.wait_for_function("([lang, dir]) => document.documentElement.lang === lang"
                           " && document.documentElement.dir === dir", arg=[lang, direction], timeout=5000)


@pytest.mark.parametrize("language,direction,sign_out_label", [
    ("ar", "rtl", "تسجيل الخروج"), ("fr", "ltr", "Se déconnecter"), ("it", "ltr", "Esci")])
def test_signing_in_through_the_form_gives_the_page_the_person_s_language(live_server, new_context, make_user,
                                                                         language, direction, sign_out_label):
    make_user("reader", display_name="Reader", language=language)
    page = new_context(locale="en-US").new_page()
    page.goto(f"{live_server}/sign-in")
    assert language_of(page) == ("en", "ltr")
    mark_document(page)
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-nav__name")).to_be_visible()
    expect(page.get_by_role("button", name=sign_out_label)).to_be_visible()  # the content is in that language
    assert_same_document(page)  # boosted: no reload
    wait_for_language(page, language, direction)
    assert language_of(page) == (language, direction)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction

    # signing out (a boosted form too) brings the visitor's language back
    page.get_by_role("button", name=sign_out_label).click()
    expect(page.locator(".account-nav__name")).to_have_count(0)
    assert_same_document(page)
    wait_for_language(page, "en", "ltr")


def test_changing_the_language_in_the_profile_turns_the_page_right_to_left(live_server, new_context,
                                                                           make_user):
    make_user("reader", display_name="Reader", language="en")
    page = new_context(locale="en-US").new_page()
    sign_in(page, live_server, "reader", PASSWORD)
    page.goto(f"{live_server}/profile")
    mark_document(page)
    page.get_by_role("combobox", name="Language").select_option("ar")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ملفك الشخصي")
    assert_same_document(page)
    wait_for_language(page, "ar", "rtl")


def test_the_language_switcher_sets_lang_and_dir(live_server, new_context):
    page = new_context(locale="en-US").new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربية").click()
    wait_for_language(page, "ar", "rtl")
    expect(page.get_by_role("navigation", name="اللغة").get_by_role("link", name="Français")).to_be_visible()
    page.get_by_role("link", name="Français").click()
    wait_for_language(page, "fr", "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"


def test_a_session_agenda_reached_through_boosted_links_is_numbered_once(live_server, new_context,
                                                                          council_setup, db):  # noqa: F811
    session = meetings.create_session(council_setup.council, title="December session",
                                      starts_at=utcnow() + timedelta(days=10), place="Sala Gialla")
    meetings.add_item(session, title="Opening", kind="decision")
    db.session.commit()
    page = new_context().new_page()
    sign_in(page, live_server, "secr")
    page.goto(f"{live_server}/")  # a page without councils.css
    assert page.locator('link[href*="/councils.css"]').count() == 0
    mark_document(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Councils").click()
    page.get_by_role("link", name="Council of Cultures").first.click()
    page.get_by_role("link", name="December session").click()
    expect(page.locator(".agenda-item__title").first).to_have_text("1. Opening")
    assert_same_document(page)
    # the page's stylesheet came with it: the list shows no number of its own beside "1."
    page.wait_for_function("() => getComputedStyle(document.querySelector('.agenda-list')).listStyleType === "
                           "'none'",
                           timeout=5000)
    assert page.locator('link[href*="/councils.css"]').count() == 1
    # and a page without it drops it again
    page.get_by_role("link", name="Home").first.click()
    expect(page.locator('link[href*="/councils.css"]')).to_have_count(0)
    assert_same_document(page)
