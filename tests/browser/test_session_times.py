"""In a real browser, a secretary types a session time and a late arrival on the platform's clock
(Europe/Rome, UTC+1 in December); the pages show them as typed and the database holds the UTC the published
offset gives."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.meetings import services as meetings
from consult.meetings.models import Attendance, CouncilSession
from tests.browser.conftest import axe_check, sign_in
from tests.meetings.conftest import council_setup  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser


def test_secretary_types_18_00_and_a_late_arrival_and_sees_them_as_typed(
        live_server, new_context, council_setup, db):  # noqa: F811
    base = live_server
    page = new_context().new_page()
    sign_in(page, base, "secr")

    # a time in the repeated hour of 27 October 2030 is asked about, and the choice is kept
    page.goto(f"{base}/councils/council-of-cultures/sessions/new")
    page.get_by_label("Title").fill("December session")
    page.get_by_label("Date and time").fill("2030-10-27T02:30")
    page.get_by_label("Place").fill("Sala Gialla")
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".field__error")).to_contain_text("comes twice on October 27, 2030")
    axe_check(page)
    page.get_by_label(re.compile(r"^The second 2:30\sAM \(UTC\+01:00")).check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("December session")
    db.session.commit()  # ends the read transaction: the server wrote since
    session = db.session.scalar(sa.select(CouncilSession))
    assert session.starts_at == datetime(2030, 10, 27, 1, 30)

    # 18:00 typed in December: 17:00 UTC, shown 6:00 PM (not 6:10)
    page.get_by_role("link", name="Edit date and place").click()
    expect(page.get_by_label("Date and time")).to_have_value("2030-10-27T02:30")
    page.get_by_label("Date and time").fill("2030-12-17T18:00")
    page.get_by_role("button", name="Save the session").click()
    when = page.locator(".session-facts time").first
    expect(when).to_have_attribute("datetime", "2030-12-17T17:00:00Z")
    expect(when).to_contain_text(re.compile(r"December 17, 2030, 6:00:00\sPM"))
    db.session.commit()  # ends the read transaction: the server wrote since
    assert db.session.get(CouncilSession, session.id).starts_at == datetime(2030, 12, 17, 17, 0)
    page.get_by_role("link", name="Edit date and place").click()
    expect(page.get_by_label("Date and time")).to_have_value("2030-12-17T18:00")

    # the sitting began at 18:02; member1 arrived at 18:49
    session = db.session.get(CouncilSession, session.id)
    meetings.add_item(session, title="Resident cards", kind="decision")
    meetings.convene_session(session)
    meetings.start_session(session, now=datetime(2030, 12, 17, 17, 2))
    db.session.commit()
    page.goto(f"{base}/sessions/{session.id}/roll-call")
    present = page.locator('input[type="radio"][value="present"]')
    for i in range(present.count()):
        present.nth(i).check()
    page.get_by_label("Member1 arrived late at").fill("18:49")
    page.get_by_role("button", name="Save the roll call").click()
    expect(page.locator("#attendance")).to_contain_text(re.compile(r"6:49\sPM"))
    db.session.commit()  # ends the read transaction: the server wrote since
    row = db.session.scalar(sa.select(Attendance).where(Attendance.arrived_at.is_not(None)))
    assert row.membership.user.username == "member1"
    assert row.arrived_at == datetime(2030, 12, 17, 17, 49)  # not 17:59
    page.goto(f"{base}/sessions/{session.id}/roll-call")
    expect(page.get_by_label("Member1 arrived late at")).to_have_value("18:49")
