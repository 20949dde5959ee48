"""Read model of a council session's roll call: every attendance row of the session and every seat of its
day (with the reader's own seats in the council), in one statement built once; the quorum counted from those
rows. The session page (``queries``) and the roll-call form read it; the rules stay in ``councils.offices``
(who holds a seat on a day) and ``rules`` (the quorum's arithmetic)."""

from __future__ import annotations

import functools

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core import time
from consult.councils.models import ROLE_LABELS, ROLES, VOTING_ROLES, Membership
from consult.councils.offices import in_term, term_covers
from consult.extensions import db
from consult.meetings import rules
from consult.meetings.models import Attendance, CouncilSession
from consult.meetings.page_rows import Labels, Names, RollRow


@functools.cache
def _roll_statement() -> sa.Select:
    """Every attendance row of the session and every seat of its day (the quorum counts the seats), and the
    reader's seats in the council (are they a voting member today?); built once, it takes ``session_id``,
    ``council_id``, ``day`` and ``reader_id``."""
    membership, user, attendance = Membership.__table__, User.__table__, Attendance.__table__
    session_id = sa.bindparam("session_id")
    day = sa.bindparam("day")
    council = membership.c.council_id == sa.bindparam("council_id")
    seated = sa.and_(council, in_term(day, membership.c))
    return (sa.select(attendance.c.id, membership.c.id, membership.c.role, user.c.display_name,
                      user.c.deleted_at, attendance.c.status, attendance.c.arrived_at,
                      attendance.c.left_at, sa.case((seated, 1), else_=0), membership.c.user_id,
                      membership.c.starts_on, membership.c.ends_on)
            .select_from(membership.join(user, user.c.id == membership.c.user_id)
                         .outerjoin(attendance, sa.and_(attendance.c.membership_id == membership.c.id,
                                                        attendance.c.session_id == session_id)))
            # the council's seats only (its attendance rows are its seats too: ``attendance.ensure_roll``), so
            # the rows are filtered before the names are joined, not every seat of every council
            .where(council, sa.or_(attendance.c.id.is_not(None), seated,
                                   membership.c.user_id == sa.bindparam("reader_id"))))


def roll_and_seats(session: CouncilSession, names: Names, labels: Labels, reader_id: int | None):
    """(roll rows, the reader's voting seat today or None), from one query."""
    params = {"session_id": session.id, "council_id": session.council_id,
              "day": time.today(at=session.starts_at), "reader_id": reader_id}
    rows, seat, today = [], None, time.today()
    read = db.session.execute(_roll_statement(), params).all()
    for (attendance_id, membership_id, role, display_name, deleted_at, status, arrived_at, left_at, is_seated,
         user_id, starts_on, ends_on) in read:
        if user_id == reader_id and role in VOTING_ROLES and term_covers(starts_on, ends_on, today):
            seat = membership_id
        if attendance_id is not None or is_seated:
            rows.append(RollRow(attendance_id, membership_id, role, names(display_name, deleted_at),
                                status or "absent", arrived_at, left_at, bool(is_seated),
                                labels(ROLE_LABELS, role)))
    return sorted(rows, key=lambda r: (ROLES.index(r.role), r.name.casefold())), seat


@functools.cache
def _seats_statement() -> sa.Select:
    """The reader's seats in the council (built once; it takes ``council_id`` and ``reader_id``)."""
    membership = Membership.__table__
    return sa.select(membership.c.id, membership.c.role, membership.c.starts_on, membership.c.ends_on).where(
        membership.c.council_id == sa.bindparam("council_id"),
        membership.c.user_id == sa.bindparam("reader_id"))


def reader_seat(session: CouncilSession, reader_id: int) -> int | None:
    """The reader's voting seat in the session's council today, or None (as ``roll_and_seats``), in one
    query: for a page whose roll call is kept (``queries.PAGE_ROWS``)."""
    seat, today = None, time.today()
    for membership_id, role, starts_on, ends_on in db.session.execute(
            _seats_statement(), {"council_id": session.council_id, "reader_id": reader_id}):
        if role in VOTING_ROLES and term_covers(starts_on, ends_on, today):
            seat = membership_id
    return seat


def roll_rows(session: CouncilSession) -> list[RollRow]:
    """Every attendance row of the session and every seat of its day, in one query, in roll-call order
    (role, then name). Seats without a row are marked absent and have no ``id``."""
    return roll_and_seats(session, Names(), Labels(), None)[0]


def quorum_of(session: CouncilSession, rows: list[RollRow]) -> dict:
    """``services.quorum`` from the roll's rows (no query)."""
    voting_ids = {r.membership_id for r in rows if r.seated and r.role in VOTING_ROLES}
    present = sum(1 for r in rows if r.membership_id in voting_ids and r.is_in_room)
    required = rules.council_quorum(session.council, len(voting_ids))
    return {"members": len(voting_ids), "present": present, "required": required,
            "reached": bool(voting_ids) and present >= required}


def roll_call_page(session: CouncilSession, *, with_seats: bool) -> tuple[list[RollRow], dict | None]:
    """The roll-call form's lines: the attendance rows, and with ``with_seats`` every seat not called yet."""
    rows = roll_rows(session)
    lines = [r for r in rows if r.id is not None or with_seats]
    return lines, (quorum_of(session, rows) if lines else None)


# ------------------------------------------------------------------------------------------------ the page
