"""Council sessions: prepare, convene, run and close them. The one module other code imports for meetings.

Rules kept here (views, CLI, demo and tests all come through these functions):

* A session moves draft → convened → in progress → closed and never back. Convening publishes the
  convocation with the agenda; it needs at least one item and must happen at least ``convocation_days``
  before the start. Starting prepares the roll call. A closed session is locked: every change is refused
  (``Conflict``, ``locks.check_unlocked``).

The agenda (``agenda``), the roll call and quorum (``attendance``) and the motions and votes (``motions``)
keep their own rules in their modules; their functions are named here too, so callers need only this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, signals
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.extensions import db
from consult.meetings.agenda import (
    add_attachment,
    add_item,
    add_speaker,
    attachment_path,
    delete_item,
    move_item,
    numbered_items,
    proposal_titles,
    qualified_proposals,
    record_item_progress,
    set_item_proposals,
    update_item,
)
from consult.meetings.attendance import (
    ensure_roll,
    mark_presence,
    memberships_for,
    quorum,
    record_attendance,
    roll,
)
from consult.meetings.locks import check_unlocked
from consult.meetings.models import CLOSED, CONVENED, DRAFT, IN_PROGRESS, MOTION_OPEN, CouncilSession
from consult.meetings.motions import (
    add_motion,
    cast_vote,
    close_motion,
    decisions_of,
    has_voted,
    open_motion,
    votes_cast,
)

__all__ = [
    "add_attachment", "add_item", "add_motion", "add_speaker", "attachment_path", "cast_vote",
    "close_motion", "close_session", "convene_session", "create_session", "decisions_of", "delete_item",
    "ensure_roll", "has_voted", "mark_presence", "memberships_for", "move_item", "numbered_items",
    "open_motion",
    "proposal_titles", "qualified_proposals", "quorum", "record_attendance", "record_item_progress", "roll",
    "sessions_of", "set_item_proposals", "start_session", "update_item", "update_session", "votes_cast",
]


def _session_values(session, *, title, starts_at, planned_minutes, place, online_link):
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Please give the session a title."), field="title")
    if starts_at is None:
        raise DomainError(_l("Please give the date and time."), field="starts_at")
    place, online_link = (place or "").strip(), (online_link or "").strip()
    if not place and not online_link:
        raise DomainError(_l("Give a place, an online link, or both."), field="place")
    if online_link and not online_link.startswith(("https://", "http://")):
        raise DomainError(_l("The online link must start with https://"), field="online_link")
    minutes = int(planned_minutes or 120)
    if not 5 <= minutes <= 24 * 60:
        raise DomainError(_l("Choose a length between 5 minutes and 24 hours."), field="planned_minutes")
    session.title, session.starts_at, session.planned_minutes = title[:200], starts_at, minutes
    session.place, session.online_link = place[:300], online_link[:500]


def create_session(council: Council, *, title, starts_at, planned_minutes=120, place="", online_link="",
                   by=None) -> CouncilSession:
    """Plan a session (a draft, seen only by the council's officers until it is convened)."""
    session = CouncilSession(council_id=council.id, status=DRAFT)
    session.council = council
    _session_values(session, title=title, starts_at=starts_at, planned_minutes=planned_minutes, place=place,
                    online_link=online_link)
    db.session.add(session)
    db.session.flush()
    audit.record("meetings.session_created", actor=by, subject=session)
    return session


def update_session(session: CouncilSession, *, by=None, **values) -> CouncilSession:
    """Change the date, place or title; refused once the session is closed."""
    check_unlocked(session)
    _session_values(session, **values)
    db.session.flush()
    return session


def convene_session(session: CouncilSession, *, by=None, now: datetime | None = None) -> CouncilSession:
    """Publish the convocation with the agenda, at least the council's notice period before the start."""
    if session.status != DRAFT:
        raise Conflict(_l("This session has already been convened."))
    if not session.items:
        raise DomainError(_l("Add at least one agenda item before convening the session."))
    now = now or utcnow()
    days = session.council.convocation_days
    if session.starts_at - now < timedelta(days=days):
        raise DomainError(_l("The convocation must be published at least %(days)s days before the session. "
                             "Move the session to a later date.", days=days), field="starts_at")
    session.status, session.convened_at = CONVENED, now
    db.session.flush()
    audit.record("meetings.session_convened", actor=by, subject=session)
    return session


def start_session(session: CouncilSession, *, by=None, now: datetime | None = None) -> CouncilSession:
    """Open the sitting: record the start time and prepare the roll call of every active seat."""
    if session.status != CONVENED:
        raise Conflict(_l("Only a convened session can start."))
    session.status, session.started_at = IN_PROGRESS, now or utcnow()
    ensure_roll(session)
    db.session.flush()
    audit.record("meetings.session_started", actor=by, subject=session)
    return session


def close_session(session: CouncilSession, *, by=None, now: datetime | None = None) -> CouncilSession:
    """End the sitting and lock it. Votes still open must be closed first."""
    if session.status != IN_PROGRESS:
        raise Conflict(_l("Only a session in progress can be closed."))
    if any(m.status == MOTION_OPEN for item in session.items for m in item.motions):
        raise Conflict(_l("A vote is still open. Close it before closing the session."))
    now = now or utcnow()
    session.status, session.ended_at = CLOSED, now
    for item in session.items:
        if item.started_at and not item.ended_at:
            item.ended_at = now
    db.session.flush()
    audit.record("meetings.session_closed", actor=by, subject=session)
    signals.council_session_closed.send(session, actor=by)
    return session


def sessions_of(council: Council, *, include_drafts: bool = False, now: datetime | None = None):
    """(upcoming, past) sessions of a council; upcoming soonest first, past most recent first."""
    now = now or utcnow()
    query = sa.select(CouncilSession).where(CouncilSession.council_id == council.id)
    if not include_drafts:
        query = query.where(CouncilSession.status != DRAFT)
    rows = db.session.scalars(query.order_by(CouncilSession.starts_at)).all()
    upcoming = [s for s in rows if s.status == IN_PROGRESS
                or s.status != CLOSED and s.starts_at + timedelta(minutes=s.planned_minutes) >= now]
    past = [s for s in reversed(rows) if s not in upcoming]
    return upcoming, past
