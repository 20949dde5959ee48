"""The vote engine's entry point: create, open and close polls (counted once, at close), list them.

Rules kept here (views, CLI, other modules and tests all come through this module):

* A poll is created in draft; its mode, method and options are fixed from then on. A closed poll can never be
  reopened; closing counts it once and stores the result (``tallies``), then sends ``poll_closed``.
* Secret and named polls get the binding rule (verified residents aged 16 or over) unless they name another.

Casting (``casting``: ``votes.vote`` asked once, then participation and ballot apart), counting and paper
tallies (``tallies``), results (``results``) and owners (``owners``) keep their rules in their modules; their
functions are named here too, so other modules need only this one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, signals
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, EligibilityRule
from consult.votes import methods
from consult.votes.casting import (
    TRACKER_PATTERN,
    cast_ballot,
    choice_summary,
    fingerprint,
    has_voted,
    named_votes,
    spec_for,
    tracker_hash,
    validate_choice,
    write_ballot,
)
from consult.votes.methods import BallotError, decode
from consult.votes.methods.points import DEFAULT_BUDGET as DEFAULT_POINTS
from consult.votes.methods.yes_no_abstain import CODES
from consult.votes.models import (
    MAJORITIES,
    MODES,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    NamedVote,
    Participation,
    Poll,
    PollOption,
)
from consult.votes.owners import owner_of, register_owner
from consult.votes.results import (
    VERDICTS,
    counted_trackers,
    is_counted,
    live_counts,
    result_csv,
    results,
    results_visible,
)
from consult.votes.tallies import (
    compose_result,
    count_online,
    paper_tallies,
    participants,
    record_paper_tally,
)

__all__ = [
    "TRACKER_PATTERN", "VERDICTS", "cast_ballot", "choice_summary", "close_poll", "counted_trackers",
    "create_poll", "default_binding_rule", "export_personal_data", "fingerprint", "get_poll",
    "has_voted", "is_counted", "is_within_window", "live_counts", "named_votes", "open_poll",
    "owner_of", "paper_tallies", "record_paper_tally", "register_owner", "result_csv", "results",
    "results_visible", "spec_for", "tracker_hash", "validate_choice", "write_ballot",
]

DEFAULT_RULE_NAME = "Verified residents aged 16 or over"


def default_binding_rule() -> EligibilityRule:
    """The rule for binding votes: verified residents aged 16 or over, any nationality (created once)."""
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == DEFAULT_RULE_NAME))
    if rule is None:
        rule = EligibilityRule(name=DEFAULT_RULE_NAME, min_level=LEVEL_VERIFIED, min_age=16, district_ids=[])
        db.session.add(rule)
        db.session.flush()
    return rule


def get_poll(poll_id: int) -> Poll | None:
    return db.session.get(Poll, poll_id)


def _option_rows(method: str, options) -> list[dict]:
    """The options of a new poll as ``{"label", ...}`` rows: yes/no/abstain gets its three, others need two
    different labels at least."""
    if method == "yes_no_abstain":
        return [{"label": str(lbl), "code": code}
                for lbl, code in zip((_l("Yes"), _l("No"), _l("Abstain")), CODES, strict=True)]
    rows = [o if isinstance(o, dict) else {"label": str(o)} for o in (options or [])]
    rows = [dict(o, label=str(o["label"]).strip()) for o in rows if str(o.get("label", "")).strip()]
    if len(rows) < 2:
        raise DomainError(_l("A poll needs at least two options."), field="options")
    if len({o["label"].casefold() for o in rows}) != len(rows):
        raise DomainError(_l("Two options have the same text."), field="options")
    return rows


def _check_settings(*, mode, opens_at, closes_at, quorum, max_choices, points_budget,
                    results_before_close) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_l("The poll must close after it opens."), field="closes_at")
    for name, value in (("quorum", quorum), ("max_choices", max_choices), ("points_budget", points_budget)):
        if value is not None and value < (0 if name == "quorum" else 1):
            raise DomainError(_l("This number is too small."), field=name)
    if results_before_close and mode == "secret":
        raise DomainError(_l("A secret ballot shows its results only when it closes: counts that change as "
                             "people vote could reveal how someone voted. Choose a named vote for live "
                             "results."), field="results_before_close")


def create_poll(*, question, method, options, owner_type=None, owner_id=None, mode="secret", rule=None,
                opens_at=None, closes_at=None, quorum=None, majority=None, max_choices=None,
                points_budget=None, results_before_close=False, allow_change=False, description="",
                created_by=None, seats=None, tie_seed=None) -> Poll:
    """Create a poll in draft. Its mode, method and options are fixed from here on (declared before opening).

    ``seats`` (how many options the poll elects: STV, sequential Phragmén, equal shares) and ``tie_seed``
    (the published seed of the lots that break ties) are kept for the methods that elect several.

    ``options`` is a list of labels, or of dicts ``{"label", "target_type", "target_id"}``; yes/no/abstain
    polls get their three options automatically.
    """
    question = (question or "").strip()
    if not question:
        raise DomainError(_l("Please write the question."), field="question")
    try:
        method_impl = methods.get(method)
    except BallotError:
        raise DomainError(_l("Unknown voting method."), field="method") from None
    if mode not in MODES:
        raise DomainError(_l("Unknown poll mode."), field="mode")
    majority = majority or "simple"
    if majority not in MAJORITIES:
        raise DomainError(_l("Unknown majority rule."), field="majority")
    labels = _option_rows(method, options)
    _check_settings(mode=mode, opens_at=opens_at, closes_at=closes_at, quorum=quorum, max_choices=max_choices,
                    points_budget=points_budget, results_before_close=results_before_close)
    if rule is None and mode in ("secret", "named"):
        rule = default_binding_rule()
    poll = Poll(question=question, description=description or "", method=method_impl.name, mode=mode,
                owner_type=owner_type, owner_id=owner_id, rule_id=rule.id if rule is not None else None,
                opens_at=opens_at, closes_at=closes_at, quorum=quorum, majority=majority,
                max_choices=max_choices if method == "approval" else None,
                points_budget=(points_budget or DEFAULT_POINTS) if method == "points" else None,
                results_before_close=bool(results_before_close), allow_change=bool(allow_change),
                created_by_id=getattr(created_by, "id", None), status=STATUS_DRAFT,
                seats=seats if method_impl.elects_several else None,
                tie_seed=tie_seed if method_impl.elects_several else None)
    poll.options = [PollOption(position=i, label=o["label"][:200], code=o.get("code"),
                               target_type=o.get("target_type"), target_id=o.get("target_id"))
                    for i, o in enumerate(labels)]
    db.session.add(poll)
    db.session.flush()
    if created_by is not None:
        audit.record("votes.poll_created", actor=created_by, subject=poll, method=poll.method, mode=poll.mode)
    return poll


def open_poll(poll: Poll, by=None) -> Poll:
    """Open a draft poll for voting. A closed poll can never be reopened."""
    if poll.status == STATUS_CLOSED:
        raise Conflict(_l("This poll is closed and cannot be opened again."))
    if poll.status == STATUS_OPEN:
        raise Conflict(_l("This poll is already open."))
    poll.status = STATUS_OPEN
    if poll.opens_at is None or poll.opens_at > utcnow():
        poll.opens_at = utcnow()
    db.session.flush()
    audit.record("votes.poll_opened", actor=by, subject=poll)
    return poll


def close_poll(poll: Poll, by=None) -> Poll:
    """Close the poll and count it, once: the result is stored and ``poll_closed`` is sent."""
    if poll.status == STATUS_CLOSED:
        raise Conflict(_l("This poll is already closed."))
    online = count_online(poll)
    poll.status = STATUS_CLOSED
    poll.closed_at = utcnow()
    poll.result = compose_result(poll, online, participants(poll))
    db.session.flush()
    audit.record("votes.poll_closed", actor=by, subject=poll, ballots=online["ballots"])
    signals.poll_closed.send(poll, result=results(poll), actor=by)
    return poll


def is_within_window(poll: Poll, now=None) -> bool:
    """Open, and between its opening and closing times."""
    now = now or utcnow()
    return (poll.status == STATUS_OPEN and (poll.opens_at is None or poll.opens_at <= now)
            and (poll.closes_at is None or now < poll.closes_at))


def export_personal_data(user) -> dict:
    """For "download my data": the polls the person took part in (never what they chose in a secret poll);
    their public named votes are listed with the choice, as they are public anyway."""
    polls = db.session.scalars(sa.select(Poll).join(Participation, Participation.poll_id == Poll.id)
                               .where(Participation.voter_id == user.id).order_by(Poll.id)).all()
    named = {row.poll_id: row for row in
             db.session.scalars(sa.select(NamedVote).where(NamedVote.voter_id == user.id))}
    return {"voted_in": [{"poll_id": p.id, "question": p.question, "mode": p.mode,
                          "named_choice": (choice_summary(p, decode(named[p.id].choice)) if p.id in named
                                           else None)}
                         for p in polls]}
