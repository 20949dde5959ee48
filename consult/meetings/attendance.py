"""The roll call of a council session and its quorum.

Rules kept here:

* The roll covers every seat whose term covers the session's day (``councils.offices``); observers attend but
  never count for quorum or vote. A member who left is no longer in the room.
* A roll call is checked whole before anything changes, so a bad line saves nothing.
* Quorum: the council's rule (a share or a number of its voting members) met by those in the room now
  (``rules.quorum_required``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 - sa.orm
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit, time
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.councils.models import QUORUM_NUMBER, QUORUM_SHARE, ROLES, VOTING_ROLES, Membership
from consult.councils.offices import in_term
from consult.extensions import db
from consult.meetings import rules
from consult.meetings.locks import check_unlocked
from consult.meetings.models import ATTENDANCE, CONVENED, IN_PROGRESS, PRESENT, Attendance, CouncilSession


def _seated_on(session: CouncilSession):
    """The seats of the session's council whose term covers the session's day (on the city's calendar)."""
    return Membership.council_id == session.council_id, in_term(time.today(at=session.starts_at))


def memberships_for(session: CouncilSession) -> list[Membership]:
    # the members' names come with them; their role grants only if something asks
    return list(db.session.scalars(sa.select(Membership).where(*_seated_on(session)).options(
        sa.orm.joinedload(Membership.user).lazyload(User.grants)).order_by(Membership.id)))


def _seats(session: CouncilSession) -> list[tuple[int, str]]:
    """(membership id, role) of the seats active on the session's day: one light query, no objects."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Membership.id, Membership.role).where(*_seated_on(session)).order_by(Membership.id))]


def ensure_roll(session: CouncilSession) -> list[Attendance]:
    """One attendance row per seat active on the session's day (absent until marked)."""
    known = {a.membership_id for a in session.attendance}
    for membership in memberships_for(session):  # loaded, so the new rows' seats need no query each
        if membership.id not in known:
            session.attendance.append(Attendance(membership_id=membership.id, status="absent"))
    db.session.flush()
    return roll(session)


def roll(session: CouncilSession) -> list[Attendance]:
    """The attendance rows in roll-call order: by role, then by name."""
    return sorted(session.attendance, key=lambda a: (ROLES.index(a.membership.role),
                                                     a.membership.user.public_name.casefold()))


def record_attendance(session: CouncilSession, entries: list[dict], *, by=None) -> None:
    """Roll call: ``entries`` of ``{"attendance_id", "status", "arrived_at", "left_at"}`` (naive UTC or None).

    Everything is checked before anything changes, so a bad line saves nothing.
    """
    check_unlocked(session)
    if session.status not in (CONVENED, IN_PROGRESS):
        raise Conflict(_l("The roll call is taken when the session has been convened."))
    ensure_roll(session)
    rows = {a.id: a for a in session.attendance}
    planned = []
    for entry in entries:
        row = rows.get(entry.get("attendance_id"))
        if row is None:
            raise DomainError(_l("This person has no seat in this session."))
        status = entry.get("status")
        if status not in ATTENDANCE:
            raise DomainError(_l("Choose present, excused or absent."))
        arrived, left = entry.get("arrived_at"), entry.get("left_at")
        if status != PRESENT:
            arrived = left = None
        if arrived and left and left < arrived:
            raise DomainError(_l("%(name)s cannot leave before arriving.",
                                 name=row.membership.user.public_name))
        planned.append((row, status, arrived, left))
    for row, status, arrived, left in planned:
        row.status, row.arrived_at, row.left_at = status, arrived, left
    db.session.flush()
    audit.record("meetings.roll_call", actor=by, subject=session)


def mark_presence(attendance: Attendance, event: str, *, now: datetime | None = None) -> Attendance:
    """A quick roll-call change during the sitting: ``arrive`` (late arrival now) or ``leave`` (departure
    now)."""
    check_unlocked(attendance.session)
    now = now or utcnow()
    if event == "arrive":
        attendance.status, attendance.left_at = PRESENT, None
        started = attendance.session.started_at
        attendance.arrived_at = now if started and now > started else None
    elif event == "leave":
        if attendance.status != PRESENT:
            raise Conflict(_l("This person is not marked present."))
        attendance.left_at = now
    else:
        raise DomainError(_l("Unknown change."))
    db.session.flush()
    return attendance


def quorum_rule_text(council) -> str:
    """The council's quorum rule in words, for "5 of 9 voting members (more than half)"."""
    percent = council.quorum_percent
    if council.quorum_rule == QUORUM_NUMBER:
        return _("a set number")
    if council.quorum_rule == QUORUM_SHARE:
        return (_("at least half, rounded up") if percent == 50
                else _("at least %(percent)s, rounded up", percent=format_percent(percent / 100)))
    return _("more than half") if percent == 50 else _("more than %(percent)s",
                                                        percent=format_percent(percent / 100))


def quorum(session: CouncilSession) -> dict:
    """Live quorum: voting members on the session's day, those in the room now, and how many are needed."""
    voting_ids = {seat_id for seat_id, role in _seats(session) if role in VOTING_ROLES}
    present = sum(1 for a in session.attendance if a.membership_id in voting_ids and a.is_in_room)
    required = rules.council_quorum(session.council, len(voting_ids))
    return {"members": len(voting_ids), "present": present, "required": required,
            "reached": bool(voting_ids) and present >= required}
