"""The one place where debates talk to the votes engine (live polls).

The engine (``consult.votes.services``) is written separately; until it exists (``find_spec`` finds no module)
:func:`available` is False and the console says that live polls are not available, instead of failing.

Contract assumed from the engine::

    create_poll(question=..., method="single" | "yes_no_abstain" | "score", options=[...],
                owner_type="debate", owner_id=debate.id, mode="open") -> poll (with .id)
    open_poll(poll); close_poll(poll)
    cast_ballot(poll, voter_or_None, choice, anon_key=...)
    live_counts(poll) -> Result with .options [OptionResult(label, count, share, average)] and .voters
    register_owner("debate", can_vote=fn(poll, person) -> Decision, describe=fn(poll) -> (label, url))
    consult.votes.methods.get(method).parse_form(form, spec_for(poll)) -> the method's choice

Debates keep a :class:`DebatePoll` row per poll (question, method, status), so pages list polls without calling
the engine per row.
"""

from __future__ import annotations

import importlib
import importlib.util

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core.errors import Conflict, DomainError
from consult.debates.models import Debate, DebatePoll
from consult.extensions import db

METHODS = {
    "single": _l("One choice"),
    "yes_no_abstain": _l("Yes / no / abstain"),
    "score": _l("Score"),
}


def available() -> bool:
    try:
        return importlib.util.find_spec("consult.votes.services") is not None
    except (ImportError, ValueError):  # pragma: no cover
        return False


def _engine():
    if not available():
        raise Conflict(_l("Live polls are not available on this platform yet."))
    return importlib.import_module("consult.votes.services")


def register_owner() -> None:
    """Tell the votes engine that debates own polls, and who may vote in them (called at start-up)."""
    if not available():
        return
    try:
        engine = importlib.import_module("consult.votes.services")
        engine.register_owner("debate", can_vote=can_vote, describe=describe)
    except Exception:  # pragma: no cover - the engine is mid-construction; polls stay unavailable
        pass


def can_vote(poll, person):
    """Who may answer a debate's live poll: whoever may take part in the debate, while it runs."""
    from consult.core.policy import Decision, policies

    debate = db.session.get(Debate, poll.owner_id) if poll.owner_id else None
    if debate is None or not debate.is_live:
        return Decision("refused", _l("This debate is not running."))
    return policies.decide("debate.participate", person, debate)


def describe(poll):
    from flask import url_for

    debate = db.session.get(Debate, poll.owner_id) if poll.owner_id else None
    if debate is None:
        return None
    return debate.title, url_for("debates.show", debate_id=debate.id)


def links(debate: Debate) -> list[DebatePoll]:
    return list(db.session.scalars(sa.select(DebatePoll).where(DebatePoll.debate_id == debate.id)
                                   .order_by(DebatePoll.id)))


def _poll(link: DebatePoll):
    engine = _engine()
    getter = getattr(engine, "get_poll", None)
    if getter is not None:
        return getter(link.poll_id)
    from consult.votes.models import Poll  # type: ignore[import-not-found]

    return db.session.get(Poll, link.poll_id)


def create(debate: Debate, question: str, method: str, options: list[str]) -> DebatePoll:
    """Prepare a live poll; it opens when the moderator says so."""
    if method not in METHODS:
        raise DomainError(_l("Choose a kind of poll."), field="method")
    question = (question or "").strip()
    if not question:
        raise DomainError(_l("Please write the question of the poll."), field="question")
    options = [o.strip() for o in options if o and o.strip()]
    if method in ("single", "score") and len(options) < 2:
        raise DomainError(_l("Give at least two options, one per line."), field="options")
    poll = _engine().create_poll(question=question, method=method, options=options, owner_type="debate",
                                 owner_id=debate.id, mode="open")
    link = DebatePoll(debate_id=debate.id, poll_id=poll.id, question=question[:300], method=method, status="draft")
    db.session.add(link)
    db.session.flush()
    return link


def open_(debate: Debate, link: DebatePoll) -> None:
    if link.status != "draft":
        raise Conflict(_l("This poll has already been opened."))
    _engine().open_poll(_poll(link))
    link.status = "open"
    db.session.flush()


def close(debate: Debate, link: DebatePoll) -> None:
    if link.status != "open":
        raise Conflict(_l("This poll is not open."))
    _engine().close_poll(_poll(link))
    link.status = "closed"
    db.session.flush()


def vote(debate: Debate, link: DebatePoll, participant, form) -> None:
    """Cast a ballot through the engine (which keeps one ballot per voter or browser key).

    ``form`` is the submitted form; the poll's method reads its own fields from it (``option`` for one choice
    and yes/no/abstain, ``score-<option id>`` for scores).
    """
    if link.status != "open":
        raise Conflict(_l("This poll is not open."))
    engine = _engine()
    poll = _poll(link)
    from consult.votes import methods

    choice = methods.get(poll.method).parse_form(form, engine.spec_for(poll))
    user = participant.user
    anon_key = None if user is not None else participant.key
    engine.cast_ballot(poll, user, choice, anon_key=anon_key)


def options(link: DebatePoll) -> list[dict]:
    """The options of the poll as ``[{"id", "label"}]``, as the engine knows them."""
    poll = _poll(link)
    return [{"id": o.id, "label": str(o.label)} for o in getattr(poll, "options", None) or []]


def counts(link: DebatePoll) -> list[dict]:
    """Live counts as ``[{"label": str, "count": int}]`` whatever shape the engine returns."""
    raw = _engine().live_counts(_poll(link))
    if hasattr(raw, "options"):  # the engine's Result
        return [{"label": str(o.label), "count": int(round(o.count)),
                 "share": float(getattr(o, "share", 0) or 0),
                 "average": getattr(o, "average", None)} for o in raw.options]
    if isinstance(raw, dict):
        inner = raw.get("results", raw) if "results" in raw else raw
        raw = list(inner.items()) if isinstance(inner, dict) else inner
    rows = []
    for item in raw or []:
        if isinstance(item, dict):
            rows.append({"label": str(item.get("label", item.get("option", ""))),
                         "count": int(item.get("count", item.get("votes", 0)))})
        else:
            label, count = item[0], item[1]
            rows.append({"label": str(label), "count": int(count)})
    total = sum(r["count"] for r in rows)
    for r in rows:
        r.setdefault("share", r["count"] / total if total else 0.0)
        r.setdefault("average", None)
    return rows


def turnout(link: DebatePoll) -> int:
    """How many people answered (the engine's count of voters)."""
    try:
        return int(getattr(_engine().live_counts(_poll(link)), "voters", 0) or 0)
    except Exception:
        return 0


def safe_counts(link: DebatePoll) -> list[dict]:
    """Counts for a page: an empty list when the engine cannot answer (the page still renders)."""
    try:
        return counts(link)
    except Exception:
        return []
