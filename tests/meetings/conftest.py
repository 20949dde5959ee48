"""A council with officers, members and an observer, and a session in progress, built through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from consult.core.models import utcnow
from consult.councils import services as councils
from consult.meetings import services as meetings


@dataclass
class Setup:
    council: object
    users: dict = field(default_factory=dict)
    seats: dict = field(default_factory=dict)
    session: object = None


@pytest.fixture
def council_setup(db, make_user):
    """Council "Council of Cultures" with president, secretary, member1..3 and an observer (6 seats, 5
    votes)."""
    council = councils.create_council(name="Council of Cultures", purpose="A council for everyone.",
                                      quorum_percent=50, convocation_days=5)
    setup = Setup(council=council)
    start = date.today() - timedelta(days=30)
    for username, role in (("pres", "president"), ("secr", "secretary"), ("member1", "member"),
                           ("member2", "member"), ("member3", "member"), ("obs", "observer")):
        user = make_user(username, display_name=username.title())
        setup.users[username] = user
        setup.seats[username] = councils.add_membership(council, user, role=role, starts_on=start,
                                                        represents="Association " + username)
    db.session.commit()
    return setup


def running_session(setup, db, *, present=("pres", "secr", "member1", "member2", "member3", "obs")):
    """A session that started a minute ago, with one decision item and the given people present."""
    session = meetings.create_session(setup.council, title="Ordinary session",
                                      starts_at=utcnow() + timedelta(days=10), place="Town hall")
    item = meetings.add_item(session, title="Resident cards", kind="decision")
    meetings.convene_session(session)
    session.starts_at = utcnow() - timedelta(minutes=1)
    meetings.start_session(session)
    entries = [{"attendance_id": a.id,
                "status": "present" if a.membership.user.username in present else "absent",
                "arrived_at": None, "left_at": None} for a in session.attendance]
    meetings.record_attendance(session, entries)
    db.session.commit()
    setup.session = session
    return session, item


def roll_call_data(lines: dict) -> dict:
    """The roll-call form as its page sends it, from ``{membership id: {"status": ..., "arrived": ...}}``: a
    line per seat (``lines-<n>-seat``, ``lines-<n>-status``, ``-arrived``, ``-left``)."""
    data = {}
    for n, (seat, fields) in enumerate(lines.items()):
        data[f"lines-{n}-seat"] = str(seat)
        data.update({f"lines-{n}-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def running(council_setup, db):
    session, item = running_session(council_setup, db)
    return council_setup, session, item
