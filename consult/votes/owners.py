"""Modules that own polls (council motions, debates): who may vote in their polls, and how a poll names its
owner.

An owner names the policy that decides its polls' votes (``vote_rule``, asked about ``subject(poll)``, e.g.
the motion), so the rule exists once, in the owner's ``policies.py``; ``votes.vote`` asks it after the poll's
own state. ``can_vote(poll, person) -> Decision`` is the older form of the same answer (a function instead of
a named rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consult.core.policy import YES, Decision, policies
from consult.votes.models import Poll


@dataclass(frozen=True)
class Owner:
    vote_rule: str | None = None
    subject: Callable | None = None
    can_vote: Callable | None = None
    describe: Callable | None = None
    eligible_count: Callable | None = None
    #: the named rule of the officials (besides registrars and admins) who may enter its polls' paper ballots
    paper_rule: str | None = None
    #: ``spec_extras(poll) -> dict``: more ``Spec`` fields for the owner's polls (a budget's costs and limit)
    spec_extras: Callable | None = None


_owners: dict[str, Owner] = {}


def register_owner(owner_type: str, *, vote_rule: str | None = None, subject: Callable | None = None,
                   can_vote: Callable | None = None, describe: Callable | None = None,
                   eligible_count: Callable | None = None, paper_rule: str | None = None,
                   spec_extras: Callable | None = None) -> None:
    """Let a module that owns polls decide who may vote in them: the policy ``vote_rule`` asked about
    ``subject(poll)`` (or ``can_vote(poll, person) -> Decision``); how a poll names its owner
    (``describe(poll) -> (label, url)``) and, optionally, how many people may vote
    (``eligible_count(poll)``); ``paper_rule``: the named rule (asked about ``subject(poll)``) of the
    officials who may enter its polls' whole paper ballots besides registrars and admins
    (``consult.votes.paper_ballots``); ``spec_extras(poll) -> dict``: more fields of the poll's
    :class:`consult.votes.methods.Spec` (a budget: ``costs``, ``budget_limit``, ``pb_rule``)."""
    _owners[owner_type] = Owner(vote_rule, subject, can_vote, describe, eligible_count, paper_rule,
                                spec_extras)


def owner(poll: Poll) -> Owner | None:
    return _owners.get(poll.owner_type or "")


def spec_extras(poll: Poll) -> dict:
    """The owner's extra ``Spec`` fields for this poll (none for a poll no module owns)."""
    hooks = owner(poll)
    if hooks is None or hooks.spec_extras is None:
        return {}
    return dict(hooks.spec_extras(poll) or {})


def owner_of(poll: Poll) -> tuple[str, str] | None:
    """The owner's name and page for a poll, when a module owns it."""
    hooks = owner(poll)
    if hooks and hooks.describe:
        return hooks.describe(poll)
    return None


def owner_decision(poll: Poll, person) -> Decision | None:
    """The owner's answer to "may this person vote in this poll?", or None for a poll no module owns."""
    hooks = owner(poll)
    if hooks is None or not (hooks.vote_rule or hooks.can_vote):
        return None
    if hooks.vote_rule:
        return policies.decide(hooks.vote_rule, person, hooks.subject(poll) if hooks.subject else poll)
    answer = hooks.can_vote(poll, person)
    if isinstance(answer, Decision):
        return answer
    return YES if answer else Decision("refused", _l("You cannot vote in this poll."))


def owner_allows_paper(poll: Poll, person) -> bool:
    """Whether the poll's owner's own rule lets this person enter the poll's paper ballots."""
    hooks = owner(poll)
    if hooks is None or not hooks.paper_rule:
        return False
    return bool(policies.decide(hooks.paper_rule, person, hooks.subject(poll) if hooks.subject else poll))
