"""The speakers queue of a debate: asking to speak, the moderator's order, giving the floor, speaking time.

Rules kept here:

* the queue is ordered: points of order first, then (when the debate gives priority to first-time speakers)
  people who have not spoken yet, then the moderator's order, then the time of asking;
* one waiting request per participant;
* one speech at a time; starting a speech ends the one running; each speech has a limit in seconds.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.debates.changes import Participant, changed, not_ended
from consult.debates.models import Debate, SpeakerRequest
from consult.extensions import db


def requests_of(debate: Debate) -> list[SpeakerRequest]:
    """Every request of ``debate`` in the moderator's order (waiting, speaking, done and withdrawn)."""
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
        entry = totals.setdefault(r.participant_key,
                                  {"name": r.name, "role": r.role, "speeches": 0, "seconds": 0})
        entry["speeches"] += 1
        entry["seconds"] += seconds
    return sorted(totals.values(), key=lambda e: (-e["seconds"], e["name"]))


def _next_position(debate: Debate) -> int:
    return (db.session.scalar(sa.select(sa.func.max(SpeakerRequest.position))
                              .where(SpeakerRequest.debate_id == debate.id)) or 0) + 1


def request_to_speak(debate: Debate, participant: Participant, name: str | None = None) -> SpeakerRequest:
    """A participant asks to speak; one waiting request per participant."""
    not_ended(debate)
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
    req = SpeakerRequest(debate_id=debate.id, name=shown[:120], participant_key=participant.key,
                         role="public", position=_next_position(debate),
                         limit_seconds=debate.speech_limit_seconds)
    db.session.add(req)
    db.session.flush()
    changed(debate, "speakers")
    return req


def withdraw_request(debate: Debate, participant: Participant) -> None:
    """A participant leaves the queue before speaking."""
    not_ended(debate)
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
    not_ended(debate)
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please give a name."), field="name")
    if kind not in ("speech", "point_of_order"):
        raise DomainError(_l("Unknown kind of request."), field="kind")
    if role not in ("public", "expert", "moderator"):
        raise DomainError(_l("Unknown role."), field="role")
    req = SpeakerRequest(debate_id=debate.id, name=name[:120], participant_key=f"n:{name.casefold()[:76]}",
                         role=role, kind=kind, note=(note or "").strip()[:300],
                         position=_next_position(debate), limit_seconds=debate.speech_limit_seconds)
    db.session.add(req)
    db.session.flush()
    if kind == "point_of_order":
        audit.record("debate.point_of_order", actor=actor, subject=debate, note=req.note)
    changed(debate, "speakers")
    return req


def move_request(debate: Debate, req: SpeakerRequest, direction: str) -> None:
    """Move a waiting entry one place up or down in the moderator's order."""
    not_ended(debate)
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    queue = ordered_queue(debate, requests_of(debate))
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
    not_ended(debate)
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    req.status = "withdrawn"
    changed(debate, "speakers")


def finish_speech(debate: Debate, now: datetime) -> SpeakerRequest | None:
    """End the running speech, if any, counting its seconds (no announcement: the caller makes it)."""
    current = db.session.scalar(sa.select(SpeakerRequest).where(
        SpeakerRequest.debate_id == debate.id, SpeakerRequest.status == "speaking"))
    if current is not None:
        current.status = "done"
        current.ended_at = now
        current.seconds = max(0, int((now - current.started_at).total_seconds()))
    return current


def start_speech(debate: Debate, req: SpeakerRequest, limit_seconds: int | None = None) -> None:
    """Give the floor: the running speech (if any) ends, this one starts with its limit."""
    not_ended(debate)
    if debate.status != "live":
        raise Conflict(_l("The debate is not running. Start or resume it first."))
    if req.debate_id != debate.id or req.status != "waiting":
        raise Conflict(_l("This person is no longer waiting."))
    now = utcnow()
    finish_speech(debate, now)
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
    not_ended(debate)
    done = finish_speech(debate, utcnow())
    if done is None:
        raise Conflict(_l("Nobody is speaking."))
    changed(debate, "speakers")
    return done


def toggle_priority(debate: Debate) -> None:
    """Turn priority for people who have not spoken yet on or off (the queue's order changes at once)."""
    not_ended(debate)
    debate.first_time_priority = not debate.first_time_priority
    changed(debate, "speakers")
