"""Debate verbs: the event and its programme, registration, and running the debate. Each keeps one rule,
flushes, and never commits; every change that screens must show calls ``changed`` (``changes``).

Rules kept here:

* nothing changes in an ended debate (``Conflict``), except reading it;
* a debate has a unique short join code; it needs a place, a stream link or both, and ends after it starts;
* registrations beyond the capacity go to the waiting list; a cancellation promotes the first one waiting;
* the debate goes scheduled → live ⇄ paused → ended; a pause stops the segment clock and the running speech,
  the end stops everything, closes the polls still open and makes the record (``record``).

The speakers queue (``speakers``), public questions (``questions``) and the programme's edits after creation
(``programme``: panelists and segments edited, moved, removed) keep their rules in their modules; their verbs
are named here too, so callers need only this module.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit
from consult.core.errors import Conflict, DomainError, NotFound
from consult.core.models import utcnow
from consult.core.signals import debate_closed
from consult.debates import polls
from consult.debates.changes import Participant, RateLimited, changed, not_ended
from consult.debates.models import Debate, Panelist, Registration, Segment
from consult.debates.programme import (
    check_panelist,
    check_segment,
    move,
    remove_panelist,
    remove_segment,
    update_panelist,
    update_segment,
)
from consult.debates.questions import ask_question, like_question, set_question_status
from consult.debates.record import debate_record
from consult.debates.speakers import (
    add_speaker,
    finish_speech,
    move_request,
    ordered_queue,
    remove_request,
    request_to_speak,
    requests_of,
    speaking_totals,
    start_speech,
    stop_speech,
    toggle_priority,
    withdraw_request,
)
from consult.extensions import db

__all__ = [
    "EDITABLE", "Participant", "RateLimited", "add_panelist", "add_segment", "add_speaker", "ask_question",
    "changed", "create_debate", "end_debate", "find_by_join_code", "go_to_segment", "like_question", "move",
    "move_request", "new_join_code", "normalise_join_code", "not_ended", "ordered_queue", "pause_debate",
    "register", "remove_panelist", "remove_request", "remove_segment", "request_to_speak", "requests_of",
    "resume_debate", "set_question_status", "speaking_totals", "start_debate", "start_speech", "stop_speech",
    "toggle_priority", "unregister", "update_debate", "update_panelist", "update_segment", "withdraw_request",
]

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
JOIN_CODE_LENGTH = 6


# -- the event and its programme ------------------------------------------------------------------------


def new_join_code() -> str:
    """A short code that is not in use yet (the unique constraint is the last word)."""
    for _ in range(20):
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(sa.select(Debate.id).where(Debate.join_code == code)) is None:
            return code
    raise Conflict(_l("Could not make a join code. Please try again."))  # pragma: no cover


def normalise_join_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]


def find_by_join_code(code: str | None) -> Debate:
    """The debate for a join code; unknown codes raise ``NotFound`` with a message people understand."""
    clean = normalise_join_code(code)
    debate = db.session.scalar(sa.select(Debate).where(Debate.join_code == clean)) if clean else None
    if debate is None:
        raise NotFound(_l("No debate has the join code “%(code)s”. Please check the code on the screen.",
                          code=clean or (code or "")[:12]))
    return debate


EDITABLE = ("title", "description", "starts_at", "ends_at", "place", "stream_url", "languages",
            "interpretation", "allow_anonymous", "registration_required", "capacity", "speech_limit_seconds",
            "first_time_priority")


def _check_fields(values: dict) -> None:
    if not values.get("place") and not values.get("stream_url"):
        raise DomainError(_l("Give a place, a stream link, or both."), field="place")
    if values.get("ends_at") and values.get("starts_at") and values["ends_at"] <= values["starts_at"]:
        raise DomainError(_l("The end must be after the start."), field="ends_at")
    if values.get("capacity") is not None and values["capacity"] < 1:
        raise DomainError(_l("The capacity must be at least 1."), field="capacity")


def create_debate(actor, **values) -> Debate:
    """Create a scheduled debate with a fresh join code; the creator becomes its moderator."""
    _check_fields(values)
    debate = Debate(**{k: v for k, v in values.items() if k in EDITABLE}, join_code=new_join_code(),
                    created_by_id=getattr(actor, "id", None), status="scheduled")
    db.session.add(debate)
    db.session.flush()
    if actor is not None and not actor.has_role("moderator", "debate", debate.id):
        from consult.accounts.services import grant_role

        grant_role(actor, "moderator", scope_type="debate", scope_id=debate.id)
    audit.record("debate.create", actor=actor, subject=debate)
    return debate


def update_debate(debate: Debate, actor, **values) -> Debate:
    """Change the details of a debate that has not ended."""
    not_ended(debate)
    _check_fields(values)
    for key, value in values.items():
        if key in EDITABLE:
            setattr(debate, key, value)
    changed(debate, "status")
    return debate


def add_panelist(debate: Debate, name: str, role: str, bio: str = "", user=None) -> Panelist:
    """Put a person on stage (moderator or expert); ``programme`` edits, moves and removes them."""
    not_ended(debate)
    name, role, bio = check_panelist(name, role, bio)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Panelist.position), 0)).where(Panelist.debate_id == debate.id))
    panelist = Panelist(debate_id=debate.id, name=name, role=role, bio=bio, position=position + 1,
                        user_id=getattr(user, "id", None))
    db.session.add(panelist)
    db.session.flush()
    changed(debate, "status")  # the public page's programme
    return panelist


def add_segment(debate: Debate, title: str, planned_minutes: int) -> Segment:
    """Add a part at the end of the agenda; ``programme`` edits, moves and removes them."""
    not_ended(debate)
    title, planned_minutes = check_segment(title, planned_minutes)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Segment.position), 0)).where(Segment.debate_id == debate.id))
    segment = Segment(debate_id=debate.id, title=title, planned_minutes=planned_minutes,
                      position=position + 1)
    db.session.add(segment)
    db.session.flush()
    changed(debate, "status")
    return segment


# -- registration ---------------------------------------------------------------------------------------


def register(debate: Debate, user) -> Registration:
    """Take a place, or a place on the waiting list when the room is full."""
    not_ended(debate)
    if not debate.registration_required:
        raise Conflict(_l("This debate is open to everyone: there is no need to register."))
    existing = db.session.scalar(sa.select(Registration).where(
        Registration.debate_id == debate.id, Registration.user_id == user.id))
    if existing is not None:
        raise Conflict(_l("You are already registered for this debate."))
    taken = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
        Registration.debate_id == debate.id, Registration.status == "registered"))
    status = "registered" if debate.capacity is None or taken < debate.capacity else "waiting"
    registration = Registration(debate_id=debate.id, user_id=user.id, status=status)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:
        raise Conflict(_l("You are already registered for this debate.")) from None
    return registration


def unregister(debate: Debate, user) -> None:
    """Give the place back; the first person on the waiting list gets it."""
    registration = db.session.scalar(sa.select(Registration).where(
        Registration.debate_id == debate.id, Registration.user_id == user.id))
    if registration is None:
        raise Conflict(_l("You are not registered for this debate."))
    was_registered = registration.status == "registered"
    db.session.delete(registration)
    db.session.flush()
    if was_registered:
        first = db.session.scalar(sa.select(Registration).where(
            Registration.debate_id == debate.id, Registration.status == "waiting")
            .order_by(Registration.created_at, Registration.id).limit(1))
        if first is not None:
            first.status = "registered"
            db.session.flush()


# -- running the debate ---------------------------------------------------------------------------------


def _current_segment(debate: Debate) -> Segment | None:
    if debate.current_segment_id is None:
        return None
    return db.session.get(Segment, debate.current_segment_id)


def _stop_clock(segment: Segment | None, now: datetime) -> None:
    if segment is not None and segment.running_since is not None:
        segment.elapsed_before = segment.elapsed_seconds(now)
        segment.running_since = None


def start_debate(debate: Debate, actor) -> None:
    """Go live: the first segment of the agenda starts."""
    not_ended(debate)
    if debate.status != "scheduled":
        raise Conflict(_l("This debate has already started."))
    now = utcnow()
    debate.status = "live"
    debate.started_at = now
    first = debate.segments[0] if debate.segments else None
    if first is not None:
        first.started_at = now
        first.running_since = now
        debate.current_segment_id = first.id
    audit.record("debate.start", actor=actor, subject=debate)
    changed(debate, "status", "ballot", "phase")  # phones: a poll opened beforehand, asking to speak


def pause_debate(debate: Debate, actor) -> None:
    """Pause: the segment clock and a running speech stop."""
    not_ended(debate)
    if debate.status != "live":
        raise Conflict(_l("Only a running debate can be paused."))
    now = utcnow()
    debate.status = "paused"
    _stop_clock(_current_segment(debate), now)
    finish_speech(debate, now)
    changed(debate, "status", "speakers")


def resume_debate(debate: Debate, actor) -> None:
    """Resume after a pause: the segment clock runs again."""
    not_ended(debate)
    if debate.status != "paused":
        raise Conflict(_l("Only a paused debate can be resumed."))
    debate.status = "live"
    segment = _current_segment(debate)
    if segment is not None:
        segment.running_since = utcnow()
    changed(debate, "status")


def end_debate(debate: Debate, actor) -> dict:
    """End the debate: clocks and speeches stop, open polls close, the record is made and announced."""
    not_ended(debate)
    if debate.status == "scheduled":
        raise Conflict(_l("This debate has not started yet."))
    now = utcnow()
    segment = _current_segment(debate)
    _stop_clock(segment, now)
    if segment is not None and segment.ended_at is None:
        segment.ended_at = now
    finish_speech(debate, now)
    polls.close_all(debate)
    debate.status = "ended"
    debate.ended_at = now
    audit.record("debate.end", actor=actor, subject=debate)
    # every live part: the Like buttons, the ballot and the ways to take part go away too
    changed(debate, "status", "speakers", "question", "poll", "ballot", "questions", "phase")
    record = debate_record(debate)
    debate_closed.send(debate, actor=actor, record=record)
    return record


def go_to_segment(debate: Debate, actor, segment: Segment | None = None, *, step: int = 1) -> Segment:
    """Move through the agenda: to ``segment``, or ``step`` places from the current one."""
    not_ended(debate)
    if not debate.is_live:
        raise Conflict(_l("Start the debate first."))
    segments = list(debate.segments)
    if not segments:
        raise Conflict(_l("This debate has no agenda yet."))
    current = _current_segment(debate)
    if segment is None:
        index = segments.index(current) + step if current in segments else 0
        if index < 0 or index >= len(segments):
            raise Conflict(_l("There is no other segment in that direction."))
        segment = segments[index]
    if segment.debate_id != debate.id:
        raise NotFound(_l("This segment is not part of this debate."))
    now = utcnow()
    if current is not None and current is not segment:
        _stop_clock(current, now)
        current.ended_at = now
    segment.started_at = segment.started_at or now
    segment.ended_at = None
    if debate.status == "live":
        segment.running_since = now
    debate.current_segment_id = segment.id
    changed(debate, "status")
    return segment
