"""A secretary convenes and runs a session; two members vote on a named motion from their own browsers
(one with JavaScript off); the secretary sees the verdict. axe on each council and session page type."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.meetings import services as meetings
from tests.browser.conftest import axe_check, sign_in
from tests.meetings.conftest import council_setup  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def planned(council_setup, db):  # noqa: F811
    session = meetings.create_session(council_setup.council, title="December session",
                                      starts_at=utcnow() + timedelta(days=10), place="Sala Gialla")
    meetings.add_item(session, title="International Migrants Day", kind="decision",
                      description="Celebrate **18 December** at the municipal council.")
    meetings.add_item(session, title="Resident cards", kind="deliberation")
    db.session.commit()
    return council_setup, session


def test_secretary_runs_a_session_and_members_vote(live_server, new_context, planned, make_user):
    setup, session = planned
    base = live_server
    secretary = new_context().new_page()
    sign_in(secretary, base, "secr")
    secretary.goto(f"{base}/councils/")
    axe_check(secretary)
    secretary.get_by_role("link", name="Council of Cultures").click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Council of Cultures")
    axe_check(secretary)
    secretary.get_by_role("link", name="December session").click()
    axe_check(secretary)
    # reorder with htmx: the agenda fragment is swapped in place
    secretary.locator(".agenda-item").first.get_by_role("button", name="Move down").click()
    expect(secretary.locator(".agenda-item").first).to_contain_text("Resident cards")
    secretary.get_by_role("button", name="Convene: publish the convocation and agenda").click()
    expect(secretary.locator("#alerts")).to_contain_text("convocation")
    secretary.get_by_role("button", name="Start the session").click()
    expect(secretary.locator("#alerts")).to_contain_text("started")
    secretary.get_by_role("link", name="Roll call").click()
    axe_check(secretary)
    radios = secretary.locator('input[type="radio"][value="present"]')
    for i in range(radios.count()):
        radios.nth(i).check()
    secretary.get_by_role("button", name="Save the roll call").click()
    expect(secretary.locator(".quorum")).to_contain_text("Quorum reached")
    item = secretary.locator(".agenda-item").filter(has_text="International Migrants Day")
    item.locator("summary").click()
    item.get_by_label("Text of the motion").fill("Celebrate 18 December every year.")
    item.get_by_role("button", name="Add the motion").click()
    secretary.get_by_role("button", name="Open the vote").click()
    expect(secretary.locator(".motion")).to_contain_text("The vote is open")
    axe_check(secretary)

    for username, choice, javascript in (("member1", "Yes", True), ("member2", "No", False)):
        page = new_context(java_script_enabled=javascript).new_page()
        sign_in(page, base, username)
        page.goto(f"{base}/sessions/{session.id}")
        page.get_by_role("button", name=choice, exact=True).click()
        expect(page.locator("#alerts")).to_contain_text("Your vote has been counted")
        expect(page.locator(".motion")).to_contain_text("You have voted on this motion")

    secretary.goto(f"{base}/sessions/{session.id}")
    secretary.get_by_role("button", name="Close the vote and count").click()
    motion = secretary.locator(".motion")
    expect(motion).to_contain_text("Rejected")  # a tie: 1 yes, 1 no
    expect(motion).to_contain_text("Yes 1, no 1, abstain 0")
    expect(motion).to_contain_text("Member1: Yes")
    secretary.get_by_role("button", name="Close the session").click()
    expect(secretary.locator(".badge.status-closed")).to_be_visible()
    axe_check(secretary)


def test_forms_of_councils_pass_axe(live_server, new_context, council_setup, make_user):  # noqa: F811
    make_user("boss", roles=("admin",))
    page = new_context().new_page()
    sign_in(page, live_server, "boss")
    for path in ("/councils/new", "/councils/council-of-cultures/members",
                 "/councils/council-of-cultures/sessions/new"):
        page.goto(f"{live_server}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe_check(page)
