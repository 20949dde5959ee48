"""The agenda item's proposal picker in Chromium: with JavaScript the list follows the search as one types and
keeps the chosen proposal checked, Enter in the search field searches and Enter in the title saves; with
JavaScript off the search opens the item page with what it found, to check and save. axe on the item page and
the session page with the picker, in English and Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.meetings import services as meetings
from consult.meetings.models import AgendaItem
from tests.browser.conftest import axe_check, sign_in
from tests.meetings.conftest import council_setup  # noqa: F401 - shared fixture
from tests.meetings.test_proposal_picker import linked, make_proposals

pytestmark = pytest.mark.browser


def _item(db, title):
    db.session.rollback()  # see what the server wrote
    return db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == title))


@pytest.fixture
def planned(council_setup, db, make_user):  # noqa: F811
    session = meetings.create_session(council_setup.council, title="December session",
                                      starts_at=utcnow() + timedelta(days=10), place="Sala Gialla")
    meetings.add_item(session, title="Opening", kind="information")
    db.session.commit()
    found = make_proposals(db, make_user, council_setup.council,
                           qualified=["Night buses for the late shifts"],
                           submitted=["Resident cards for everyone", "Desks at the station"])
    return session, found


def test_picker_with_htmx(live_server, new_context, planned, db):
    session, found = planned
    base = live_server
    page = new_context().new_page()
    sign_in(page, base, "secr")
    page.goto(f"{base}/sessions/{session.id}")
    search = page.get_by_label("Find a proposal")
    search.click()  # the first focus brings the council's qualified proposals
    night = page.get_by_role("checkbox", name="Night buses for the late shifts")
    expect(night).to_be_visible()
    night.check()
    search.fill("resident")  # the list follows the search, the chosen one stays checked
    cards = page.get_by_role("checkbox", name="Resident cards for everyone")
    expect(cards).to_be_visible()
    expect(night).to_be_checked()
    expect(page.get_by_role("checkbox", name="Desks at the station")).to_have_count(0)
    search.press("Enter")  # searches: the page stays
    expect(cards).to_be_visible()
    assert page.url.endswith(f"/sessions/{session.id}")
    cards.check()
    title = page.get_by_label("Title")
    title.fill("Night buses and resident cards")
    title.press("Enter")  # saves the item
    expect(page.locator("#alerts")).to_contain_text("added to the agenda")
    item = _item(db, "Night buses and resident cards")
    assert linked(db, item) == sorted([found["Night buses for the late shifts"].id,
                                       found["Resident cards for everyone"].id])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_picker_without_javascript(live_server, new_context, planned, db, lang):
    session, found = planned
    base = live_server
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, base, "secr")
    page.goto(f"{base}/sessions/{session.id}?lang={lang}")
    page.locator("#proposal_q").fill("desks")
    page.locator("#proposal_q").press("Enter")
    expect(page.locator("#proposal-options input[type=checkbox]")).to_have_count(1)
    assert f"/sessions/{session.id}/items?proposal_q=desks" in page.url
    page.locator("#proposal-options input[type=checkbox]").check()
    page.locator("#title").fill("Desks")
    page.locator("#title").press("Enter")
    expect(page.locator(".agenda-item")).to_have_count(2)
    item = _item(db, "Desks")
    assert linked(db, item) == [found["Desks at the station"].id]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_item_page_with_the_picker_passes_axe(live_server, new_context, planned, lang):
    session, found = planned
    page = new_context().new_page()
    sign_in(page, live_server, "secr")
    page.goto(f"{live_server}/sessions/{session.id}/items?proposal_q=station&lang={lang}")
    expect(page.locator("#proposal-options input[type=checkbox]")).to_have_count(1)
    axe_check(page)
    page.goto(f"{live_server}/sessions/{session.id}?lang={lang}")
    axe_check(page)


def test_a_box_changed_while_the_search_answers_keeps_the_persons_choice(live_server, new_context, planned):
    """The search's answer echoes the boxes as they were when it left; a box unticked meanwhile stays
    unticked."""
    session, _found = planned
    base = live_server
    page = new_context().new_page()
    sign_in(page, base, "secr")
    page.goto(f"{base}/sessions/{session.id}")
    search = page.get_by_label("Find a proposal")
    search.click()
    night = page.get_by_role("checkbox", name="Night buses for the late shifts")
    expect(night).to_be_visible()
    night.check()
    held = []
    page.route("**/*proposal_q=night*", lambda route: held.append(route))
    search.fill("night")
    for _ in range(50):  # the search leaves after its 400 ms delay and waits here
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the search never left"
    night.uncheck()
    held[0].continue_()
    expect(page.locator("#proposal-options")).to_contain_text("night", ignore_case=True)
    page.wait_for_timeout(300)
    expect(night).not_to_be_checked()
