"""Live polls of a debate, through the votes engine (``consult.votes.services``).

A debate keeps a :class:`DebatePoll` row per poll (question, method, status), so pages list its polls without
calling the engine per row. The engine keeps the ballots (one per account or browser key) and counts them. Who
may answer is the policy ``debate.vote`` (``policies``), which the engine asks when a ballot is cast
(:func:`register_owner`). The moderator prepares a poll, opens it, shows its results on the projector and
closes it; ending the debate closes the polls still open.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.core.errors import Conflict, DomainError
from consult.debates.changes import changed, not_ended
from consult.debates.models import Debate, DebatePoll
from consult.extensions import db
from consult.votes import methods
from consult.votes import services as engine
from consult.votes.models import Poll

METHODS = {
    "single": _l("One choice"),
    "yes_no_abstain": _l("Yes / no / abstain"),
    "score": _l("Score"),
}


def debate_of(poll: Poll) -> Debate | None:
    """The debate that owns ``poll``."""
    return db.session.get(Debate, poll.owner_id) if poll.owner_id else None


def describe(poll: Poll):
    """How a debate's poll names its owner: the debate's title and page."""
    debate = debate_of(poll)
    if debate is None:
        return None
    return debate.title, url_for("debates.show", debate_id=debate.id)


def register_owner() -> None:
    """Tell the votes engine that debates own polls, voted under ``debate.vote`` (called at start-up)."""
    engine.register_owner("debate", vote_rule="debate.vote", subject=debate_of, describe=describe)


def links(debate: Debate) -> list[DebatePoll]:
    return list(db.session.scalars(sa.select(DebatePoll).where(DebatePoll.debate_id == debate.id)
                                   .order_by(DebatePoll.id)))


def _poll(link: DebatePoll) -> Poll:
    return engine.get_poll(link.poll_id)


def create(debate: Debate, question: str, method: str, options: list[str]) -> DebatePoll:
    """Prepare a live poll; it opens when the moderator says so."""
    not_ended(debate)
    if method not in METHODS:
        raise DomainError(_l("Choose a kind of poll."), field="method")
    question = (question or "").strip()
    if not question:
        raise DomainError(_l("Please write the question of the poll."), field="question")
    options = [o.strip() for o in options if o and o.strip()]
    if method in ("single", "score") and len(options) < 2:
        raise DomainError(_l("Give at least two options, one per line."), field="options")
    poll = engine.create_poll(question=question, method=method, options=options, owner_type="debate",
                              owner_id=debate.id, mode="open")
    link = DebatePoll(debate_id=debate.id, poll_id=poll.id, question=question[:300], method=method,
                      status="draft")
    db.session.add(link)
    db.session.flush()
    return link


def open_(debate: Debate, link: DebatePoll) -> None:
    """Open a prepared poll: the phones get its ballot."""
    not_ended(debate)
    if link.status != "draft":
        raise Conflict(_l("This poll has already been opened."))
    engine.open_poll(_poll(link))
    link.status = "open"
    changed(debate, "poll", "ballot")


def close(debate: Debate, link: DebatePoll) -> None:
    """Close an open poll: the engine counts it; the phones get its results instead of the ballot."""
    not_ended(debate)
    _close(link)
    changed(debate, "poll", "ballot")


def _close(link: DebatePoll) -> None:
    if link.status != "open":
        raise Conflict(_l("This poll is not open."))
    engine.close_poll(_poll(link))
    link.status = "closed"
    db.session.flush()


def close_all(debate: Debate) -> None:
    """Close every poll still open (the debate ends; it announces the change itself)."""
    for link in links(debate):
        if link.status == "open":
            _close(link)


def project(debate: Debate, link: DebatePoll) -> None:
    """Show the poll's results on the projector (and under "Poll results" on the phones)."""
    not_ended(debate)
    debate.projected_poll_id = link.poll_id
    changed(debate, "poll")


def unproject(debate: Debate, link: DebatePoll) -> None:
    """Take the results off the projector."""
    not_ended(debate)
    debate.projected_poll_id = None
    changed(debate, "poll")


def vote(debate: Debate, link: DebatePoll, participant, form) -> None:
    """Cast a ballot through the engine (it asks ``debate.vote``; one ballot per voter or browser key).

    ``form`` is the submitted ballot; the poll's method reads its own fields from it (``option`` for one
    choice and yes/no/abstain, ``score-<option id>`` for scores).
    """
    not_ended(debate)
    if link.status != "open":
        raise Conflict(_l("This poll is not open."))
    poll = _poll(link)
    choice = methods.get(poll.method).parse_form(form, engine.spec_for(poll))
    user = participant.user
    engine.cast_ballot(poll, user, choice, anon_key=None if user is not None else participant.key)
    changed(debate, "poll")


def options(link: DebatePoll) -> list[dict]:
    """The options of the poll as ``[{"id", "label"}]``."""
    return [{"id": o.id, "label": str(o.label)} for o in _poll(link).options]


def counts(link: DebatePoll) -> list[dict]:
    """Live counts as ``[{"label", "count", "share", "average"}]``; refused (``NotAllowed``) while the engine
    hides them (a poll not opened yet)."""
    return [{"label": str(o.label), "count": int(round(o.count)), "share": float(o.share or 0),
             "average": o.average} for o in engine.live_counts(_poll(link)).options]


def turnout(link: DebatePoll) -> int:
    """How many people answered (0 while the engine hides the count)."""
    try:
        return int(engine.live_counts(_poll(link)).voters or 0)
    except DomainError:
        return 0


def safe_counts(link: DebatePoll) -> list[dict]:
    """Counts for a page: an empty list while the engine hides them (the page still renders)."""
    try:
        return counts(link)
    except DomainError:
        return []
