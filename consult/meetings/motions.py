"""Motions of a council session and the members' votes on them.

Rules kept here:

* A motion's rule and mode (named, secret, show of hands) are fixed when it is written; only a session in
  progress opens a vote. A secret motion's ballots go through the votes engine (``secret_votes``), whose
  ballots carry no voter.
* Who may vote is the policy ``motion.vote`` (``meetings.policies``): an open motion voted by ballot, a voting
  member whose seat covers today, in the room, who has not voted yet. :func:`cast_vote` asks it once about
  the person's :class:`Standing` and then writes the ballot; two votes sent at the same moment are still
  stopped by the database (a unique constraint for named votes, the engine's participation for secret ones).
* The verdict is computed when the vote closes, from the tally, the rule and the quorum at that moment; all
  three are stored with it and ``motion_decided`` is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 - sa.orm
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit, signals
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.councils.models import VOTING_ROLES, Council, Membership
from consult.councils.offices import seat
from consult.extensions import db
from consult.meetings import rules, secret_votes
from consult.meetings.attendance import quorum
from consult.meetings.locks import check_unlocked
from consult.meetings.models import (
    CHOICES,
    IN_PROGRESS,
    MODES,
    MOTION_DECIDED,
    MOTION_DRAFT,
    MOTION_OPEN,
    RULES,
    AgendaItem,
    CouncilSession,
    Motion,
    MotionVote,
)
from consult.minutes.models import SUBMITTED as MINUTES_SUBMITTED
from consult.minutes.models import Minutes

ALREADY_VOTED = _l("You have already voted on this motion.")


def _minutes_to_approve(session: CouncilSession, minutes_id) -> int | None:
    """The minutes a motion names: the council's own, submitted for approval by motion (else refused)."""
    if minutes_id in (None, ""):
        return None
    minutes = db.session.get(Minutes, int(minutes_id)) if str(minutes_id).isdigit() else None
    if (minutes is None or minutes.council_id != session.council_id or minutes.status != MINUTES_SUBMITTED
            or minutes.approval_mode != "motion"):
        raise DomainError(_l("A motion can approve only this council's minutes submitted for approval by "
                             "motion."), field="approves_minutes_id")
    return minutes.id


def add_motion(item: AgendaItem, *, text, rule="simple", mode="named", approves_minutes_id=None,
               by=None) -> Motion:
    """Write a motion under an item; its rule and mode are fixed before the vote opens. It may name submitted
    minutes of the council (approval by motion): adopted, it approves them (the ``motion_decided``
    receiver of ``minutes``)."""
    check_unlocked(item.session)
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write the text of the motion."), field="text")
    if rule not in RULES:
        raise DomainError(_l("Choose a majority rule from the list."), field="rule")
    if mode not in MODES:
        raise DomainError(_l("Choose how the vote is taken."), field="mode")
    minutes_id = _minutes_to_approve(item.session, approves_minutes_id)
    motion = Motion(item_id=item.id, text=text, rule=rule, mode=mode, status=MOTION_DRAFT,
                    approves_minutes_id=minutes_id)
    item.motions.append(motion)
    db.session.flush()
    audit.record("meetings.motion_added", actor=by, subject=motion)
    return motion


def open_motion(motion: Motion, *, by=None, now: datetime | None = None) -> Motion:
    """Open the vote (session in progress only). Secret motions get their poll in the votes engine."""
    session = motion.item.session
    check_unlocked(session)
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

# ------------------------------------------------------------------------------------------------ who votes


@dataclass(slots=True)
class Standing:
    """What the ``motion.vote`` rule reads: the motion's state, and the person's voting seat, presence and
    vote.

    The session page's read model makes one from the rows it has read (no query); :class:`MotionStanding`
    reads the same facts from the models."""

    is_open: bool
    mode: str
    seat_id: int | None = None
    in_room: bool = False
    voted: bool = False


class MotionStanding:
    """:class:`Standing` read from a motion for a person, each fact looked up when the rule first needs it."""

    def __init__(self, motion: Motion, person):
        self.motion, self.person = motion, person
        self.is_open = motion.status == MOTION_OPEN and motion.item.session.status == IN_PROGRESS
        self.mode = motion.mode

    @cached_property
    def seat(self) -> Membership | None:
        """The person's voting seat in the motion's council today."""
        return seat(self.person, self.motion.item.session.council, VOTING_ROLES)

    @property
    def seat_id(self) -> int | None:
        return self.seat.id if self.seat is not None else None

    @cached_property
    def in_room(self) -> bool:
        seat_id = self.seat_id
        return seat_id is not None and any(a.membership_id == seat_id and a.is_in_room
                                           for a in self.motion.item.session.attendance)

    @cached_property
    def voted(self) -> bool:
        return has_voted(self.motion, self.person, self.seat)


def standing(person, obj):
    """The facts ``motion.vote`` reads: made from a motion, or the :class:`Standing` a read model made."""
    return MotionStanding(obj, person) if isinstance(obj, Motion) else obj


def has_voted(motion: Motion, person, membership: Membership | None = None) -> bool:
    """Whether the person has voted on the motion (named votes through their seat, secret ones in the
    engine)."""
    if motion.mode == "secret":
        return secret_votes.has_voted(motion, person)
    membership = membership or seat(person, motion.item.session.council, VOTING_ROLES)
    return membership is not None and any(v.membership_id == membership.id for v in motion.named_votes)


def cast_vote(motion: Motion, person, choice: str) -> None:
    """Record a member's vote: named votes per seat, secret ones through the votes engine. Once only."""
    if choice not in CHOICES:
        raise DomainError(_l("Choose yes, no or abstain."), field="choice")
    facts = MotionStanding(motion, person)
    enforce("motion.vote", person, facts)
    if motion.mode == "secret":
        secret_votes.cast(motion, person, choice)
        return
    try:
        with db.session.begin_nested():
            db.session.add(MotionVote(motion_id=motion.id, membership_id=facts.seat_id, choice=choice))
    except IntegrityError:
        raise Conflict(ALREADY_VOTED) from None
    db.session.flush()
    db.session.expire(motion, ["named_votes"])


def votes_cast(motion: Motion) -> int:
    if motion.mode == "secret":
        return secret_votes.voters_count(motion) if motion.poll_id else 0
    return len(motion.named_votes)


def close_motion(motion: Motion, *, by=None, hands: dict | None = None,
                 now: datetime | None = None) -> Motion:
    """Close the vote and decide: tally, rule and the quorum in the room at this moment, stored together.

    For a show of hands the secretary gives ``hands={"yes", "no", "abstain"}``; it cannot exceed the voting
    members in the room.
    """
    session = motion.item.session
    check_unlocked(session)
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
    motion.members_count, motion.present_count = q["members"], q["present"]
    motion.quorum_required = q["required"]
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
