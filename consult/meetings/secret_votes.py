"""The one place where meetings use the votes engine: secret motions.

A secret motion gets a ``yes_no_abstain`` poll in ``secret`` mode owned by ``("motion", motion.id)``. The engine
stores who voted (participation) apart from what was voted (ballot, no voter, no time, no sequence), so no
row of a secret motion links a member to a choice. Who may vote is decided by this module's owner hook, which
asks the meetings rules (voting member, in the room, motion open).
"""

from __future__ import annotations

import importlib.util


def available() -> bool:
    """Whether the votes engine is installed in this tree (secret motions need it)."""
    return importlib.util.find_spec("consult.votes.services") is not None


def _engine():
    from consult.votes import services

    return services


def _poll(motion):
    from consult.extensions import db
    from consult.votes.models import Poll

    return db.session.get(Poll, motion.poll_id) if motion.poll_id else None


def register() -> None:
    """Tell the votes engine who may vote in a motion's poll and how the poll names its motion."""
    if not available():
        return
    from flask import url_for

    from consult.extensions import db
    from consult.meetings.models import Motion

    def can_vote(poll, person):
        from consult.meetings import services

        motion = db.session.get(Motion, poll.owner_id)
        return services.vote_decision(motion, person, engine=True)

    def describe(poll):
        motion = db.session.get(Motion, poll.owner_id)
        if motion is None:
            return None
        return motion.item.session.title, url_for("meetings.session_page", session_id=motion.item.session_id)

    _engine().register_owner("motion", can_vote=can_vote, describe=describe)


def create_and_open(motion, by=None) -> int:
    engine = _engine()
    poll = engine.create_poll(question=motion.text[:500], method="yes_no_abstain", options=[], owner_type="motion",
                              owner_id=motion.id, mode="secret", rule=None, created_by=by)
    engine.open_poll(poll, by=by)
    return poll.id


def cast(motion, person, choice: str) -> None:
    _engine().cast_ballot(_poll(motion), person, choice)


def has_voted(motion, person) -> bool:
    poll = _poll(motion)
    return poll is not None and _engine().has_voted(poll, person)


def voters_count(motion) -> int:
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.votes.models import Participation

    return db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == motion.poll_id)) or 0


def participation(poll_ids, person) -> tuple[dict[int, int], set[int]]:
    """For these polls: how many have voted in each, and which ones the person has voted in (one query)."""
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.votes.models import Participation

    me = person.id if getattr(person, "is_authenticated", False) else None
    mine = sa.func.sum(sa.case((Participation.voter_id == me, 1), else_=0)) if me is not None else sa.literal(0)
    counts, voted = {}, set()
    for poll_id, voters, own in db.session.execute(
            sa.select(Participation.poll_id, sa.func.count(), mine)
            .where(Participation.poll_id.in_(list(poll_ids))).group_by(Participation.poll_id)):
        counts[poll_id] = voters
        if own:
            voted.add(poll_id)
    return counts, voted


def close_and_count(motion, by=None) -> tuple[int, int, int]:
    """Close the poll and return (yes, no, abstain)."""
    engine = _engine()
    poll = _poll(motion)
    if poll.status != "closed":
        engine.close_poll(poll, by=by)
    result = engine.results(poll)
    by_id = {o.id: o.code for o in poll.options}
    tally = {"yes": 0, "no": 0, "abstain": 0}
    for option in result.options:
        code = by_id.get(option.id)
        if code in tally:
            tally[code] = option.count
    return tally["yes"], tally["no"], tally["abstain"]
