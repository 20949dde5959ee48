"""Debate verbs. Each keeps one rule, flushes, and never commits; every change that screens must show calls
:func:`changed`, which bumps ``debate.version`` and hands the change to the event fan-out after the commit.

Rules kept here:

* nothing changes in an ended debate (``Conflict``), except reading it;
* the speakers queue is ordered: points of order first, then (when the debate gives priority to first-time
  speakers) people who have not spoken yet, then the moderator's order, then the time of asking;
* one speech at a time; starting a speech ends the one running; each speech has a limit in seconds;
* a participant may like a question once (database-unique on participant key), not their own, not a hidden one;
* a participant may ask a limited number of questions per time window (``DEBATES_QUESTIONS_PER_WINDOW`` per
  ``DEBATES_QUESTION_WINDOW_SECONDS``);
* registrations beyond the capacity go to the waiting list; a cancellation promotes the first one waiting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from consult.core import audit
from consult.core.errors import Conflict, DomainError, NotFound
from consult.core.models import utcnow
from consult.debates import events
from consult.debates.models import (
    PANEL_ROLES,
    QUESTION_STATUSES,
    Debate,
    Panelist,
    Question,
    QuestionLike,
    Registration,
    Segment,
    SpeakerRequest,
)
from consult.extensions import db

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
JOIN_CODE_LENGTH = 6


class RateLimited(DomainError):
    """Too many actions of one participant in a short time."""

    status_code = 429


@dataclass(frozen=True)
class Participant:
    """Who acts in a debate: an account (``u:<id>``) or an anonymous browser (``a:<key>``)."""

    key: str
    user: object | None = None
    name: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None


# -- events -----------------------------------------------------------------------------------------------


def changed(debate: Debate, *parts: str) -> None:
    """Mark parts of the live screens as changed: bump the version; subscribers hear it after the commit.

    The version is raised by the database (``version = version + 1``), not from the value this request read:
    two changes committed at the same moment (two phones liking at once, a like and the end of the debate)
    each get their own version. Two changes announced with one version would let a screen keep the rendering of
    the first and skip the second as "already sent" (a like shown as 0, "Live now" after the end)."""
    db.session.flush()
    version = db.session.execute(
        sa.update(Debate).where(Debate.id == debate.id).values(version=Debate.version + 1)
        .returning(Debate.version).execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(debate, "version", version)
    events.after_commit(db.session, debate, parts)


def _not_ended(debate: Debate) -> None:
    if debate.is_ended:
        raise Conflict(_l("This debate has ended. Nothing can be changed any more."))


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


EDITABLE = ("title", "description", "starts_at", "ends_at", "place", "stream_url", "languages", "interpretation",
            "allow_anonymous", "registration_required", "capacity", "speech_limit_seconds", "first_time_priority")


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
    _not_ended(debate)
    _check_fields(values)
    for key, value in values.items():
        if key in EDITABLE:
            setattr(debate, key, value)
    changed(debate, "status")
    return debate


def add_panelist(debate: Debate, name: str, role: str, bio: str = "", user=None) -> Panelist:
    """Put a person on stage (moderator or expert)."""
    _not_ended(debate)
    if role not in PANEL_ROLES:
        raise DomainError(_l("Choose moderator or expert."), field="role")
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Panelist.position), 0)).where(Panelist.debate_id == debate.id))
    panelist = Panelist(debate_id=debate.id, name=name.strip(), role=role, bio=(bio or "").strip(),
                        position=position + 1, user_id=getattr(user, "id", None))
    db.session.add(panelist)
    db.session.flush()
    return panelist


def add_segment(debate: Debate, title: str, planned_minutes: int) -> Segment:
    """Add a part at the end of the agenda."""
    _not_ended(debate)
    if planned_minutes < 1 or planned_minutes > 600:
        raise DomainError(_l("Plan between 1 and 600 minutes."), field="planned_minutes")
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Segment.position), 0)).where(Segment.debate_id == debate.id))
    segment = Segment(debate_id=debate.id, title=title.strip(), planned_minutes=planned_minutes,
                      position=position + 1)
    db.session.add(segment)
    db.session.flush()
    changed(debate, "status")
    return segment


# -- registration ---------------------------------------------------------------------------------------


def register(debate: Debate, user) -> Registration:
    """Take a place, or a place on the waiting list when the room is full."""
    _not_ended(debate)
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
    _not_ended(debate)
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
    _not_ended(debate)
    if debate.status != "live":
        raise Conflict(_l("Only a running debate can be paused."))
    now = utcnow()
    debate.status = "paused"
    _stop_clock(_current_segment(debate), now)
    _finish_speech(debate, now)
    changed(debate, "status", "speakers")


def resume_debate(debate: Debate, actor) -> None:
    """Resume after a pause: the segment clock runs again."""
    _not_ended(debate)
    if debate.status != "paused":
        raise Conflict(_l("Only a paused debate can be resumed."))
    debate.status = "live"
    segment = _current_segment(debate)
    if segment is not None:
        segment.running_since = utcnow()
    changed(debate, "status")


def end_debate(debate: Debate, actor) -> dict:
    """End the debate: clocks and speeches stop, open polls close, the record is made and announced."""
    _not_ended(debate)
    if debate.status == "scheduled":
        raise Conflict(_l("This debate has not started yet."))
    now = utcnow()
    segment = _current_segment(debate)
    _stop_clock(segment, now)
    if segment is not None and segment.ended_at is None:
        segment.ended_at = now
    _finish_speech(debate, now)
    from consult.debates import polls

    for link in polls.links(debate):
        if link.status == "open":
            polls.close(debate, link)
    debate.status = "ended"
    debate.ended_at = now
    audit.record("debate.end", actor=actor, subject=debate)
    # every live part: the Like buttons, the ballot and the ways to take part go away too
    changed(debate, "status", "speakers", "question", "poll", "ballot", "questions", "phase")
    from consult.core.signals import debate_closed
    from consult.debates.record import debate_record

    record = debate_record(debate)
    debate_closed.send(debate, actor=actor, record=record)
    return record


def go_to_segment(debate: Debate, actor, segment: Segment | None = None, *, step: int = 1) -> Segment:
    """Move through the agenda: to ``segment``, or ``step`` places from the current one."""
    _not_ended(debate)
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


# -- speakers queue -------------------------------------------------------------------------------------


def _requests(debate: Debate) -> list[SpeakerRequest]:
    return list(db.session.scalars(sa.select(SpeakerRequest).where(SpeakerRequest.debate_id == debate.id)
                                   .order_by(SpeakerRequest.position, SpeakerRequest.id)))


def ordered_queue(debate: Debate, requests: list[SpeakerRequest]) -> list[SpeakerRequest]:
    """The waiting entries in speaking order (see the module rules)."""
    spoken = {r.participant_key for r in requests if r.status in ("done", "speaking") and r.kind == "speech"}

    def rank(r: SpeakerRequest):
        first_time = 0 if (not debate.first_time_priority or r.participant_key not in spoken) else 1
        return (0 if r.kind == "point_of_order" else 1, first_time, r.position, r.requested_at, r.id)

    return sorted((r for r in requests if r.status == "waiting"), key=rank)


def speaking_totals(requests: list[SpeakerRequest]) -> list[dict]:
    """Total speaking time per speaker, most first: name, role, speeches, seconds."""
    totals: dict[str, dict] = {}
    now = utcnow()
    for r in requests:
        if r.status not in ("done", "speaking") or r.kind != "speech":
            continue
        seconds = r.seconds if r.status == "done" else max(0, int((now - r.started_at).total_seconds()))
        entry = totals.setdefault(r.participant_key, {"name": r.name, "role": r.role, "speeches": 0, "seconds": 0})
        entry["speeches"] += 1
        entry["seconds"] += seconds
    return sorted(totals.values(), key=lambda e: (-e["seconds"], e["name"]))


def _next_position(debate: Debate) -> int:
    return (db.session.scalar(sa.select(sa.func.max(SpeakerRequest.position))
                              .where(SpeakerRequest.debate_id == debate.id)) or 0) + 1


def request_to_speak(debate: Debate, participant: Participant, name: str | None = None) -> SpeakerRequest:
    """A participant asks to speak; one waiting request per participant."""
    _not_ended(debate)
    if not debate.is_live:
        raise Conflict(_l("You can ask to speak once the debate has started."))
    waiting = db.session.scalar(sa.select(SpeakerRequest.id).where(
        SpeakerRequest.debate_id == debate.id, SpeakerRequest.participant_key == participant.key,
        SpeakerRequest.status.in_(("waiting", "speaking"))))
    if waiting is not None:
        raise Conflict(_l("You are already in the speakers queue."))
    shown = (participant.name or name or "").strip()
    if not shown:
        raise DomainError(_l("Please give the name the moderator will call."), field="name")
    req = SpeakerRequest(debate_id=debate.id, name=shown[:120], participant_key=participant.key, role="public",
                         position=_next_position(debate), limit_seconds=debate.speech_limit_seconds)
    db.session.add(req)
    db.session.flush()
    changed(debate, "speakers")
    return req


def withdraw_request(debate: Debate, participant: Participant) -> None:
    """A participant leaves the queue before speaking."""
    _not_ended(debate)
    req = db.session.scalar(sa.select(SpeakerRequest).where(
        SpeakerRequest.debate_id == debate.id, SpeakerRequest.participant_key == participant.key,
        SpeakerRequest.status == "waiting"))
    if req is None:
        raise Conflict(_l("You are not in the speakers queue."))
    req.status = "withdrawn"
    changed(debate, "speakers")


def add_speaker(debate: Debate, actor, name: str, role: str = "public", kind: str = "speech",
                note: str = "") -> SpeakerRequest:
    """The moderator adds someone in the room by name (a speech, or a point of order with its subject)."""
    _not_ended(debate)
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please give a name."), field="name")
    if kind not in ("speech", "point_of_order"):
        raise DomainError(_l("Unknown kind of request."), field="kind")
    if role not in ("public", "expert", "moderator"):
        raise DomainError(_l("Unknown role."), field="role")
    req = SpeakerRequest(debate_id=debate.id, name=name[:120], participant_key=f"n:{name.casefold()[:76]}",
                         role=role, kind=kind, note=(note or "").strip()[:300], position=_next_position(debate),
                         limit_seconds=debate.speech_limit_seconds)
    db.session.add(req)
    db.session.flush()
    if kind == "point_of_order":
        audit.record("debate.point_of_order", actor=actor, subject=debate, note=req.note)
    changed(debate, "speakers")
    return req


def move_request(debate: Debate, req: SpeakerRequest, direction: str) -> None:
    """Move a waiting entry one place up or down in the moderator's order."""
    _not_ended(debate)
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    queue = ordered_queue(debate, _requests(debate))
    index = queue.index(req)
    other_index = index - 1 if direction == "up" else index + 1
    if other_index < 0 or other_index >= len(queue):
        return
    # renumber in the current visible order, then swap the two: the result is what the moderator saw
    for n, r in enumerate(queue):
        r.position = n + 1
    queue[index].position, queue[other_index].position = queue[other_index].position, queue[index].position
    changed(debate, "speakers")


def remove_request(debate: Debate, req: SpeakerRequest) -> None:
    """Take a waiting entry out of the queue."""
    _not_ended(debate)
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    req.status = "withdrawn"
    changed(debate, "speakers")


def _finish_speech(debate: Debate, now: datetime) -> SpeakerRequest | None:
    current = db.session.scalar(sa.select(SpeakerRequest).where(
        SpeakerRequest.debate_id == debate.id, SpeakerRequest.status == "speaking"))
    if current is not None:
        current.status = "done"
        current.ended_at = now
        current.seconds = max(0, int((now - current.started_at).total_seconds()))
    return current


def start_speech(debate: Debate, req: SpeakerRequest, limit_seconds: int | None = None) -> None:
    """Give the floor: the running speech (if any) ends, this one starts with its limit."""
    _not_ended(debate)
    if debate.status != "live":
        raise Conflict(_l("The debate is not running. Start or resume it first."))
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    now = utcnow()
    _finish_speech(debate, now)
    req.status = "speaking"
    req.started_at = now
    req.segment_id = debate.current_segment_id
    if limit_seconds:
        if not 10 <= limit_seconds <= 3600:
            raise DomainError(_l("A speech limit is between 10 seconds and one hour."), field="limit_seconds")
        req.limit_seconds = limit_seconds
    changed(debate, "speakers")


def stop_speech(debate: Debate) -> SpeakerRequest:
    """End the running speech and count its seconds."""
    _not_ended(debate)
    done = _finish_speech(debate, utcnow())
    if done is None:
        raise Conflict(_l("Nobody is speaking."))
    changed(debate, "speakers")
    return done


# -- public questions -----------------------------------------------------------------------------------


def ask_question(debate: Debate, participant: Participant, text: str, language: str | None = None) -> Question:
    """Ask a question in any language; a participant may ask a few per time window."""
    _not_ended(debate)
    text = (text or "").strip()
    if len(text) < 3:
        raise DomainError(_l("Please write your question."), field="text")
    if len(text) > 1000:
        raise DomainError(_l("Please keep your question under 1000 characters."), field="text")
    limit = current_app.config.get("DEBATES_QUESTIONS_PER_WINDOW", 3)
    window = current_app.config.get("DEBATES_QUESTION_WINDOW_SECONDS", 300)
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.debate_id == debate.id, Question.participant_key == participant.key,
        Question.created_at >= _seconds_ago(window)))
    if recent >= limit:
        raise RateLimited(_l("You have asked %(n)s questions in the last %(minutes)s minutes. "
                             "Please wait a little before asking again.", n=recent, minutes=max(1, window // 60)),
                          field="text")
    question = Question(debate_id=debate.id, text=text, language=(language or None),
                        author_id=getattr(participant.user, "id", None),
                        author_name=participant.name if participant.user is not None else None,
                        participant_key=participant.key)
    db.session.add(question)
    db.session.flush()
    changed(debate, "questions")
    return question


def _seconds_ago(seconds: int) -> datetime:
    from datetime import timedelta

    return utcnow() - timedelta(seconds=seconds)


def like_question(debate: Debate, question: Question, participant: Participant) -> Question:
    """One like per participant (the unique constraint decides under any concurrency)."""
    _not_ended(debate)
    if question.debate_id != debate.id or question.status == "hidden":
        raise NotFound(_l("This question is not available."))
    if question.participant_key == participant.key:
        raise Conflict(_l("You cannot like your own question."))
    try:
        with db.session.begin_nested():
            db.session.add(QuestionLike(question_id=question.id, participant_key=participant.key))
    except IntegrityError:
        raise Conflict(_l("You have already liked this question.")) from None
    db.session.execute(sa.update(Question).where(Question.id == question.id).values(likes=Question.likes + 1))
    db.session.refresh(question)
    changed(debate, "questions")
    return question


def set_question_status(debate: Debate, question: Question, status: str, actor, reason: str = "") -> None:
    """Shortlist, put live, mark answered or hide (with a reason). One question is live at a time."""
    _not_ended(debate)
    if question.debate_id != debate.id:
        raise NotFound(_l("This question is not part of this debate."))
    if status not in QUESTION_STATUSES:
        raise DomainError(_l("Unknown question status."), field="status")
    reason = (reason or "").strip()
    if status == "hidden" and not reason:
        raise DomainError(_l("Please say why the question is hidden."), field="reason")
    parts = ["questions"]
    if status == "live":
        if debate.live_question_id and debate.live_question_id != question.id:
            previous = db.session.get(Question, debate.live_question_id)
            if previous is not None and previous.status == "live":
                previous.status = "shortlisted"
        debate.live_question_id = question.id
        parts.append("question")
    elif debate.live_question_id == question.id:
        debate.live_question_id = None
        parts.append("question")
    question.status = status
    question.hidden_reason = reason[:300] if status == "hidden" else None
    question.answered_at = utcnow() if status == "answered" else None
    if status == "hidden":
        audit.record("debate.hide_question", actor=actor, subject=debate, question=question.id, reason=reason[:300])
    changed(debate, *parts)

