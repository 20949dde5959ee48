"""Council sessions: prepare, convene, run and close; agenda; roll call; motions and their verdicts.

Rules kept here (views, CLI, demo and tests all come through these functions):

* A session moves draft → convened → in progress → closed and never back. Convening publishes the
  convocation with the agenda; it needs at least one item and must happen at least ``convocation_days``
  before the start. A closed session is locked: every change is refused (``Conflict``).
* Agenda items nest one level; moving an item swaps it with its neighbour among its siblings.
* Attachments are PDF or images, found from their first bytes (never from the name or the browser's claim),
  below a size limit, stored under a random name in ``instance/uploads/meetings``.
* Roll call covers every membership active on the session's day; observers attend but never count for
  quorum or vote. A member who left is no longer in the room.
* Only an open motion takes votes, only from a voting member who is in the room, once (a database
  constraint for named votes, the votes engine's participation constraint for secret ones).
* The verdict is computed here, when the vote closes, from the tally, the rule and the quorum at that
  moment; all three are stored with it and ``motion_decided`` is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 - sa.orm
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.core import audit, signals, uploads
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import YES, Decision
from consult.councils.models import VOTING_ROLES, Council, Membership
from consult.extensions import db
from consult.meetings import rules, secret_votes
from consult.meetings.models import (
    ATTENDANCE,
    CHOICES,
    CLOSED,
    CONVENED,
    DRAFT,
    IN_PROGRESS,
    ITEM_KINDS,
    MODES,
    MOTION_DECIDED,
    MOTION_DRAFT,
    MOTION_OPEN,
    PRESENT,
    RULES,
    AgendaItem,
    AgendaItemProposal,
    Attachment,
    Attendance,
    CouncilSession,
    Motion,
    MotionVote,
    Speaker,
)

DEFAULT_ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024

# ------------------------------------------------------------------------------------------------ sessions


def _check_unlocked(session: CouncilSession) -> None:
    if session.status == CLOSED:
        raise Conflict(_l("This session is closed. Nothing in it can be changed any more."))


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
    _check_unlocked(session)
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
    upcoming = [s for s in rows if s.status != CLOSED and s.starts_at + timedelta(minutes=s.planned_minutes) >= now
                or s.status == IN_PROGRESS]
    past = [s for s in reversed(rows) if s not in upcoming]
    return upcoming, past


# ------------------------------------------------------------------------------------------------ agenda


def _item_values(item, *, title, description, kind, duration_minutes, presenter):
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Please give the item a title."), field="title")
    if kind not in ITEM_KINDS:
        raise DomainError(_l("Choose a kind from the list."), field="kind")
    if duration_minutes is not None and not 1 <= int(duration_minutes) <= 600:
        raise DomainError(_l("Choose a length between 1 and 600 minutes."), field="duration_minutes")
    item.title, item.description, item.kind = title[:200], description or "", kind
    item.duration_minutes = int(duration_minutes) if duration_minutes else None
    item.presenter = (presenter or "").strip()[:120]


def add_item(session: CouncilSession, *, title, description="", kind="information", duration_minutes=None,
             presenter="", parent: AgendaItem | None = None, proposal_ids=(), by=None) -> AgendaItem:
    """Add an item at the end of the agenda (or of its parent's sub-items: one level of nesting only)."""
    _check_unlocked(session)
    if parent is not None and (parent.session_id != session.id or parent.parent_id is not None):
        raise DomainError(_l("A sub-item can only go under a main item of this agenda."), field="parent_id")
    item = AgendaItem(session_id=session.id, parent_id=parent.id if parent else None)
    _item_values(item, title=title, description=description, kind=kind, duration_minutes=duration_minutes,
                 presenter=presenter)
    siblings = [i for i in session.items if i.parent_id == item.parent_id]
    item.position = max((i.position for i in siblings), default=0) + 1
    session.items.append(item)
    db.session.flush()
    set_item_proposals(item, proposal_ids)
    return item


def update_item(item: AgendaItem, *, proposal_ids=None, **values) -> AgendaItem:
    _check_unlocked(item.session)
    _item_values(item, **values)
    if proposal_ids is not None:
        set_item_proposals(item, proposal_ids)
    db.session.flush()
    return item


def set_item_proposals(item: AgendaItem, proposal_ids) -> None:
    """Link proposals by id (the proposals module may not know this one; ids must be positive)."""
    ids = []
    for raw in proposal_ids or ():
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise DomainError(_l("Proposal numbers are whole numbers."), field="proposal_ids") from None
        if value <= 0:
            raise DomainError(_l("Proposal numbers are whole numbers."), field="proposal_ids")
        if value not in ids:
            ids.append(value)
    item.proposal_links = [AgendaItemProposal(item_id=item.id, proposal_id=i) for i in ids]
    db.session.flush()


def move_item(item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its previous (``up``) or next (``down``) sibling; at the edge nothing moves."""
    _check_unlocked(item.session)
    if direction not in ("up", "down"):
        raise DomainError(_l("Unknown direction."))
    siblings = sorted((i for i in item.session.items if i.parent_id == item.parent_id), key=lambda i: i.position)
    # renumber first, so that equal positions never hide an order
    for n, sibling in enumerate(siblings, 1):
        sibling.position = n
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = siblings[other].position, siblings[index].position
    db.session.flush()
    db.session.expire(item.session, ["items"])
    return item


def delete_item(item: AgendaItem) -> None:
    _check_unlocked(item.session)
    if item.session.status != DRAFT and any(m.status != MOTION_DRAFT for m in item.motions):
        raise Conflict(_l("This item has votes and cannot be removed."))
    session = item.session
    for path in [a.stored_name for a in item.attachments]:
        uploads.remove(ATTACHMENT_AREA, path)
    db.session.delete(item)
    db.session.flush()
    db.session.expire(session, ["items"])


def numbered_items(session: CouncilSession) -> list[tuple[str, AgendaItem]]:
    """The agenda in order with its numbers: ("1", item), ("1.1", sub-item), ("2", item)..."""
    items = sorted(session.items, key=lambda i: i.position)
    out = []
    for n, top in enumerate((i for i in items if i.parent_id is None), 1):
        out.append((str(n), top))
        for m, sub in enumerate((i for i in items if i.parent_id == top.id), 1):
            out.append((f"{n}.{m}", sub))
    return out


def record_item_progress(item: AgendaItem, *, notes: str | None = None, action: str | None = None,
                         now: datetime | None = None) -> AgendaItem:
    """Notes of the secretary, and the start (``start``) or end (``end``) of the item's discussion."""
    _check_unlocked(item.session)
    if notes is not None:
        item.notes = notes
    if action == "start":
        if item.session.status != IN_PROGRESS:
            raise Conflict(_l("Start the session first."))
        item.started_at, item.ended_at = now or utcnow(), None
    elif action == "end":
        if item.started_at is None:
            raise Conflict(_l("This item has not started."))
        item.ended_at = now or utcnow()
    db.session.flush()
    return item


def add_speaker(item: AgendaItem, name: str) -> Speaker:
    """Add a speaker at the end of the item's list of speakers."""
    _check_unlocked(item.session)
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please write the speaker's name."), field="name")
    speaker = Speaker(item_id=item.id, name=name[:120],
                      position=max((s.position for s in item.speakers), default=0) + 1)
    item.speakers.append(speaker)
    db.session.flush()
    return speaker


# ------------------------------------------------------------------------------------------------ attachments

ATTACHMENT_AREA = "meetings"


def uploads_folder() -> Path:
    return uploads.folder(ATTACHMENT_AREA)


def add_attachment(item: AgendaItem, data: bytes, filename: str | None) -> Attachment:
    """Attach a PDF or image. The type is read from the content; the stored name is made by the server."""
    _check_unlocked(item.session)
    limit = int(current_app.config.get("MEETINGS_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))
    stored = uploads.store(data, filename, area=ATTACHMENT_AREA, max_bytes=limit, field="file")
    attachment = Attachment(item_id=item.id, filename=stored.download_name, stored_name=stored.stored_name,
                            content_type=stored.media_type, size=stored.size)
    path = uploads_folder() / stored.stored_name
    item.attachments.append(attachment)
    try:
        db.session.flush()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return uploads_folder() / attachment.stored_name


# ------------------------------------------------------------------------------------------------ roll call


def _seated_on(session: CouncilSession):
    day = session.starts_at.date()
    return (Membership.council_id == session.council_id, Membership.starts_on <= day,
            sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= day))


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
    from consult.councils.models import ROLES

    return sorted(session.attendance, key=lambda a: (ROLES.index(a.membership.role),
                                                     a.membership.user.public_name.casefold()))


def record_attendance(session: CouncilSession, entries: list[dict], *, by=None) -> None:
    """Roll call: ``entries`` of ``{"attendance_id", "status", "arrived_at", "left_at"}`` (naive UTC or None).

    Everything is checked before anything changes, so a bad line saves nothing.
    """
    _check_unlocked(session)
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
            raise DomainError(_l("%(name)s cannot leave before arriving.", name=row.membership.user.public_name))
        planned.append((row, status, arrived, left))
    for row, status, arrived, left in planned:
        row.status, row.arrived_at, row.left_at = status, arrived, left
    db.session.flush()
    audit.record("meetings.roll_call", actor=by, subject=session)


def mark_presence(attendance: Attendance, event: str, *, now: datetime | None = None) -> Attendance:
    """A quick roll-call change during the sitting: ``arrive`` (late arrival now) or ``leave`` (departure now)."""
    _check_unlocked(attendance.session)
    now = now or utcnow()
    if event == "arrive":
        attendance.status, attendance.left_at = PRESENT, None
        attendance.arrived_at = now if attendance.session.started_at and now > attendance.session.started_at else None
    elif event == "leave":
        if attendance.status != PRESENT:
            raise Conflict(_l("This person is not marked present."))
        attendance.left_at = now
    else:
        raise DomainError(_l("Unknown change."))
    db.session.flush()
    return attendance


def quorum(session: CouncilSession) -> dict:
    """Live quorum: voting members on the session's day, those in the room now, and how many are needed."""
    voting_ids = {seat_id for seat_id, role in _seats(session) if role in VOTING_ROLES}
    present = sum(1 for a in session.attendance if a.membership_id in voting_ids and a.is_in_room)
    required = rules.quorum_required(len(voting_ids), session.council.quorum_percent)
    return {"members": len(voting_ids), "present": present, "required": required,
            "reached": bool(voting_ids) and present >= required}


# ------------------------------------------------------------------------------------------------ motions


def add_motion(item: AgendaItem, *, text, rule="simple", mode="named", by=None) -> Motion:
    """Write a motion under an item; its rule and mode are fixed before the vote opens."""
    _check_unlocked(item.session)
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write the text of the motion."), field="text")
    if rule not in RULES:
        raise DomainError(_l("Choose a majority rule from the list."), field="rule")
    if mode not in MODES:
        raise DomainError(_l("Choose how the vote is taken."), field="mode")
    if mode == "secret" and not secret_votes.available():
        raise DomainError(_l("Secret ballots are not available on this platform yet."), field="mode")
    motion = Motion(item_id=item.id, text=text, rule=rule, mode=mode, status=MOTION_DRAFT)
    item.motions.append(motion)
    db.session.flush()
    audit.record("meetings.motion_added", actor=by, subject=motion)
    return motion


def open_motion(motion: Motion, *, by=None, now: datetime | None = None) -> Motion:
    """Open the vote (session in progress only). Secret motions get their poll in the votes engine."""
    session = motion.item.session
    _check_unlocked(session)
    if session.status != IN_PROGRESS:
        raise Conflict(_l("Votes are taken during the session, once it has started."))
    if motion.status != MOTION_DRAFT:
        raise Conflict(_l("This vote has already been opened."))
    motion.status, motion.opened_at = MOTION_OPEN, now or utcnow()
    db.session.flush()
    if motion.mode == "secret":
        motion.poll_id = secret_votes.create_and_open(motion, by=by)
    db.session.flush()
    audit.record("meetings.motion_opened", actor=by, subject=motion)
    return motion


def _attendance_of(session: CouncilSession, membership: Membership) -> Attendance | None:
    return next((a for a in session.attendance if a.membership_id == membership.id), None)


def voter_membership(motion: Motion, person) -> Membership | None:
    from consult.councils.policies import active_membership

    return active_membership(person, motion.item.session.council, VOTING_ROLES)


#: why a person may not vote (``vote_decision``; the session page's read model gives the same answers)
VOTE_NOT_OPEN = _l("This vote is not open.")
VOTE_BY_HANDS = _l("This vote is counted by show of hands in the room.")
VOTE_SIGN_IN = _l("Please sign in first.")
VOTE_MEMBERS_ONLY = _l("Only voting members of this council can vote. "
                       "Observers attend without a vote.")
VOTE_IN_ROOM_ONLY = _l("Only members marked present in the room can vote. "
                       "Ask the secretary to record your arrival.")
VOTE_ALREADY = _l("You have already voted on this motion.")


def vote_decision(motion: Motion | None, person, *, engine: bool = False) -> Decision:
    """May this person vote on this motion now? (open, voting member, in the room, not voted yet)."""
    if motion is None or motion.status != MOTION_OPEN or motion.item.session.status != IN_PROGRESS:
        return Decision("refused", VOTE_NOT_OPEN)
    if motion.mode == "hands":
        return Decision("refused", VOTE_BY_HANDS)
    if not getattr(person, "is_authenticated", False):
        return Decision("sign_in", VOTE_SIGN_IN)
    membership = voter_membership(motion, person)
    if membership is None:
        return Decision("refused", VOTE_MEMBERS_ONLY)
    attendance = _attendance_of(motion.item.session, membership)
    if attendance is None or not attendance.is_in_room:
        return Decision("refused", VOTE_IN_ROOM_ONLY)
    if not engine and has_voted(motion, person, membership):
        return Decision("refused", VOTE_ALREADY)
    return YES


def has_voted(motion: Motion, person, membership: Membership | None = None) -> bool:
    if motion.mode == "secret":
        return secret_votes.has_voted(motion, person)
    membership = membership or voter_membership(motion, person)
    return membership is not None and any(v.membership_id == membership.id for v in motion.named_votes)


def cast_vote(motion: Motion, person, choice: str) -> None:
    """Record a member's vote: named votes per member, secret ones through the votes engine. Once only."""
    if choice not in CHOICES:
        raise DomainError(_l("Choose yes, no or abstain."), field="choice")
    decision = vote_decision(motion, person, engine=True)
    if not decision:
        raise NotAllowed(decision.reason)
    if motion.mode == "secret":
        secret_votes.cast(motion, person, choice)
        return
    membership = voter_membership(motion, person)
    try:
        with db.session.begin_nested():
            db.session.add(MotionVote(motion_id=motion.id, membership_id=membership.id, choice=choice))
    except IntegrityError:
        raise Conflict(_l("You have already voted on this motion.")) from None
    db.session.flush()
    db.session.expire(motion, ["named_votes"])


def votes_cast(motion: Motion) -> int:
    if motion.mode == "secret":
        return secret_votes.voters_count(motion) if motion.poll_id else 0
    return len(motion.named_votes)


def close_motion(motion: Motion, *, by=None, hands: dict | None = None, now: datetime | None = None) -> Motion:
    """Close the vote and decide: tally, rule and the quorum in the room at this moment, stored together.

    For a show of hands the secretary gives ``hands={"yes", "no", "abstain"}``; it cannot exceed the voting
    members in the room.
    """
    session = motion.item.session
    _check_unlocked(session)
    if motion.status == MOTION_DECIDED:
        raise Conflict(_l("This motion has already been decided."))
    if motion.status != MOTION_OPEN:
        raise Conflict(_l("Open the vote first."))
    q = quorum(session)
    if motion.mode == "hands":
        try:
            yes, no, abstain = (int((hands or {}).get(k) or 0) for k in CHOICES)
        except (TypeError, ValueError):
            raise DomainError(_l("Counts are whole numbers."), field="yes") from None
        if min(yes, no, abstain) < 0:
            raise DomainError(_l("Counts cannot be negative."), field="yes")
        if yes + no + abstain > q["present"]:
            raise DomainError(_l("More hands than voting members in the room (%(n)s).", n=q["present"]),
                              field="yes")
    elif motion.mode == "secret":
        yes, no, abstain = secret_votes.close_and_count(motion, by=by)
    else:
        counts = {c: 0 for c in CHOICES}
        for vote in motion.named_votes:
            counts[vote.choice] += 1
        yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    motion.yes, motion.no, motion.abstain = yes, no, abstain
    motion.members_count, motion.present_count, motion.quorum_required = q["members"], q["present"], q["required"]
    motion.verdict = rules.verdict(motion.rule, yes=yes, no=no, abstain=abstain, members=q["members"],
                                   present=q["present"], required=q["required"])
    motion.status, motion.decided_at = MOTION_DECIDED, now or utcnow()
    db.session.flush()
    audit.record("meetings.motion_decided", actor=by, subject=motion, verdict=motion.verdict)
    signals.motion_decided.send(motion, verdict=motion.verdict)
    return motion


def decisions_of(council: Council, limit: int = 20) -> list[Motion]:
    """Adopted motions of the council's sessions, most recent first."""
    return list(db.session.scalars(
        sa.select(Motion).join(AgendaItem).join(CouncilSession)
        .options(sa.orm.contains_eager(Motion.item).contains_eager(AgendaItem.session))
        .where(CouncilSession.council_id == council.id, Motion.verdict == "adopted")
        .order_by(Motion.decided_at.desc()).limit(limit)))


# ------------------------------------------------------------------------------------------------ proposals


def _proposal_model():
    import importlib.util

    if importlib.util.find_spec("consult.proposals.models") is None:
        return None
    try:
        from consult.proposals.models import Proposal
    except ImportError:  # the proposals module is being written
        return None
    return Proposal


def proposal_titles(ids) -> dict[int, str]:
    """Titles of proposals by id, in one query (empty when the proposals module is not there)."""
    model = _proposal_model()
    ids = list({int(i) for i in ids})
    if model is None or not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.title).where(model.id.in_(ids))).all())


def qualified_proposals(council: Council) -> list:
    """Proposals that reached their threshold in processes that feed this council, waiting for a session."""
    model = _proposal_model()
    if model is None:
        return []
    try:
        from consult.processes.models import Process
    except ImportError:
        return []
    return list(db.session.scalars(
        sa.select(model).join(Process, Process.id == model.process_id)
        .where(model.state == "qualified", Process.council_id == council.id).order_by(model.id).limit(50)))
