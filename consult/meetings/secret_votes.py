"""The one place where meetings use the votes engine: secret motions.

A secret motion gets a ``yes_no_abstain`` poll in ``secret`` mode owned by ``("motion", motion.id)``. The
engine stores who voted (participation) apart from what was voted (ballot, no voter, no time, no sequence), so
no row of a secret motion links a member to a choice. Who may vote is the policy ``motion.vote``: meetings
asks it before writing through :func:`cast`, and the engine asks it for a vote sent to the poll's own page
(the owner's rule, registered by :func:`register`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from consult.extensions import db
from consult.meetings.models import Motion
from consult.votes import services as engine
from consult.votes.models import STATUS_CLOSED, Participation, Poll


def _poll(motion: Motion) -> Poll | None:
    return db.session.get(Poll, motion.poll_id) if motion.poll_id else None


def _motion(poll: Poll) -> Motion | None:
    return db.session.get(Motion, poll.owner_id)


def _describe(poll: Poll):
    motion = _motion(poll)
    if motion is None:
        return None
    return motion.item.session.title, url_for("meetings.session_page", session_id=motion.item.session_id)


def register() -> None:
    """Tell the votes engine that a motion's poll is voted under ``motion.vote``, and how it names its
    motion."""
    engine.register_owner("motion", vote_rule="motion.vote", subject=_motion, describe=_describe)


def create_and_open(motion: Motion, by=None) -> int:
    poll = engine.create_poll(question=motion.text[:500], method="yes_no_abstain", options=[],
                              owner_type="motion", owner_id=motion.id, mode="secret", rule=None,
                              created_by=by)
    engine.open_poll(poll, by=by)
    return poll.id


def cast(motion: Motion, person, choice: str) -> None:
    """Write the ballot (the caller has asked ``motion.vote``): participation and ballot, apart."""
    engine.write_ballot(_poll(motion), person, choice)


def has_voted(motion: Motion, person) -> bool:
    poll = _poll(motion)
    return poll is not None and engine.has_voted(poll, person)


def voters_count(motion: Motion) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == motion.poll_id)) or 0


def participation(poll_ids, person) -> tuple[dict[int, int], set[int]]:
    """For these polls: how many have voted in each, and which ones the person has voted in (one query)."""
    me = person.id if getattr(person, "is_authenticated", False) else None
    mine = (sa.func.sum(sa.case((Participation.voter_id == me, 1), else_=0)) if me is not None
            else sa.literal(0))
    counts, voted = {}, set()
    for poll_id, voters, own in db.session.execute(
            sa.select(Participation.poll_id, sa.func.count(), mine)
            .where(Participation.poll_id.in_(list(poll_ids))).group_by(Participation.poll_id)):
        counts[poll_id] = voters
        if own:
            voted.add(poll_id)
    return counts, voted


def close_and_count(motion: Motion, by=None) -> tuple[int, int, int]:
    """Close the poll and return (yes, no, abstain)."""
    poll = _poll(motion)
    if poll.status != STATUS_CLOSED:
        engine.close_poll(poll, by=by)
    result = engine.results(poll)
    by_id = {o.id: o.code for o in poll.options}
    tally = {"yes": 0, "no": 0, "abstain": 0}
    for option in result.options:
        code = by_id.get(option.id)
        if code in tally:
            tally[code] = option.count
    return tally["yes"], tally["no"], tally["abstain"]
