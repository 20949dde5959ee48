"""Minutes in a real browser: the secretary edits the draft (live preview) and submits it, the president
approves and publishes, a visitor reads it and downloads the PDF; once without JavaScript; axe on each page
type.

The session itself is closed through the service in the fixture (the meetings module's own browser tests cover
its pages); closing it is what drafts the minutes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.accounts import services as accounts
from consult.extensions import db as _db
from consult.minutes import services
from consult.outcomes import services as outcome_services
from tests.browser.conftest import axe_check, sign_in
from tests.minutes.fixtures import record


@pytest.fixture
def draft(live_server, make_user):
    secretary = make_user("secretary", display_name="Mariam")
    president = make_user("president", display_name="Adama")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=1)
    accounts.grant_role(president, "president", scope_type="council", scope_id=1)
    minutes = services.create_draft(record(), council_id=1)
    outcome_services.outcomes_from_record(minutes.record, council_id=1, minutes_id=minutes.id)
    _db.session.commit()
    return minutes


def test_secretary_edits_president_approves_visitor_downloads(live_server, new_context, draft):
    base = live_server
    page = new_context().new_page()
    sign_in(page, base, "secretary")
    page.goto(f"{base}/minutes/{draft.id}")
    axe_check(page)
    page.get_by_role("link", name="Edit the text").click()
    page.wait_for_url("**/edit")
    body = page.get_by_role("textbox", name="Text of the minutes")
    body.fill(body.input_value() + "\n\nThe session closed with **thanks** to the interpreters.\n")
    expect(page.locator("#minutes-preview strong", has_text="thanks")).to_be_visible()  # live preview (htmx)
    axe_check(page)
    page.get_by_role("button", name="Save a new revision").click()
    page.wait_for_load_state()
    expect(page.locator(".alert--success")).to_contain_text("Revision 2 saved")
    page.get_by_role("link", name="2 revisions").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Show the differences").click()
    page.wait_for_load_state()
    expect(page.locator("ins", has_text="interpreters")).to_be_visible()
    axe_check(page)
    page.goto(f"{base}/minutes/{draft.id}")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".badge").first).to_have_text("Submitted for approval")

    president = new_context().new_page()
    sign_in(president, base, "president")
    president.goto(f"{base}/minutes/{draft.id}")
    axe_check(president)  # the approval forms
    president.get_by_role("button", name="Approve the minutes").click()
    president.wait_for_load_state()
    president.get_by_role("button", name="Publish").click()
    president.wait_for_load_state()
    expect(president.locator(".badge").first).to_have_text("Published")

    visitor = new_context().new_page()
    visitor.goto(f"{base}/minutes/")
    visitor.get_by_role("link", name="Minutes: Ordinary session").click()
    visitor.wait_for_load_state()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Ordinary session")
    expect(visitor.locator(".minutes__text")).to_contain_text("thanks to the interpreters")
    axe_check(visitor)
    href = visitor.get_by_role("link", name="PDF (to print)").get_attribute("href")
    pdf = visitor.request.get(f"{base}{href}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    visitor.goto(f"{base}/outcomes/")
    axe_check(visitor)
    visitor.get_by_role("link", name="Ask the mayor to issue local resident cards in 2027.").click()
    visitor.wait_for_load_state()
    axe_check(visitor)
    for path in ("/outcomes/councils/1", "/api/"):
        visitor.goto(f"{base}{path}")
        axe_check(visitor)


def test_preview_and_save_without_javascript(live_server, new_context, draft):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "secretary")
    page.goto(f"{live_server}/minutes/{draft.id}/edit")
    page.get_by_role("textbox", name="Text of the minutes").fill("### Short text\n\nOnly *this*.")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    expect(page.locator("#minutes-preview em")).to_have_text("this")
    page.get_by_role("button", name="Save a new revision").click()
    page.wait_for_load_state()
    expect(page.locator(".alert--success")).to_contain_text("Revision 2 saved")
    expect(page.locator(".minutes__text h3")).to_have_text("Short text")
