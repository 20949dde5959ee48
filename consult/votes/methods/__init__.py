"""Voting methods: one small module each, one interface.

Every method module defines a :class:`Method` (a :class:`BaseMethod`) with

* ``parse_form(form, spec)``: read the ballot page's fields (no JavaScript needed) into a raw choice;
* ``validate(raw, spec)``: return the *canonical* choice (JSON-able, one spelling per meaning) or raise
  :class:`BallotError` with a translated message;
* ``tally(groups, spec)``: count ``(canonical choice, weight)`` pairs and return a JSON-able dict with at
  least ``ballots`` (total weight), ``counts`` (``{option id as str: number}``) and ``winners`` (option ids;
  several on a tie — or, for the methods that elect several (:attr:`BaseMethod.elects_several`: ``stv``,
  ``seq_phragmen``, ``equal_shares``, counted by ``consult.votes.counting`` for ``Spec.seats`` with
  ``Spec.tie_seed``), the elected in order, with ``order``, ``rounds`` and ``tie_breaks`` besides).

Canonical choices are stored as compact JSON text (:func:`encode`), so identical ballots are identical
strings: the service groups them with SQL ``GROUP BY choice`` and the methods count groups with weights. That
keeps the count of a million ballots close to the cost of the ``GROUP BY`` itself, for every method.

A method also owns how it looks: its ballot's inputs and its results' figures are partial templates in
``templates/votes/methods/<name>/`` (``_ballot.html``, ``_results.html``; ``_live_ballot.html`` for the
methods a debate's live poll may use), found with :meth:`BaseMethod.template`, and the figure a live poll's
results show per option is :attr:`BaseMethod.live_heading` and :attr:`BaseMethod.live_figure`; the pages
around them never ask which method a poll uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from consult.core.errors import DomainError


class BallotError(DomainError):
    """The ballot breaks the method's rules (nothing is recorded)."""


class BaseMethod:
    """What every voting method has besides its rules: its partial templates, how a ballot is explained."""

    name: str
    label = ""
    explanation = ""
    #: paper and booth counts per option can be added to its results
    paper = False
    #: a paper channel states how many ballots it counted (they are not the sum of the votes: approval)
    paper_ballots = False
    #: the method elects several options (``Spec.seats``) in order: several winners are not a tie
    elects_several = False
    #: a debate's live results: the heading of the figure shown per option, and the key of that figure in a
    #: row of the live counts (``count``, ``average``)
    live_heading = _l("Votes")
    live_figure = "count"

    def template(self, part: str) -> str:
        """The method's own partial for ``part`` (``ballot``: the inputs of the ballot form; ``results``: the
        chart and the tables of figures; ``live_ballot``: the inputs of a debate's live poll)."""
        return f"votes/methods/{self.name}/_{part}.html"

    def how_to_vote(self, poll) -> str:
        """What the ballot page says under "How to vote"."""
        return str(self.explanation)


@dataclass(frozen=True)
class Spec:
    """What a method needs to know about a poll."""

    option_ids: tuple[int, ...]
    max_choices: int | None = None
    points_budget: int | None = None
    min_score: int = 0
    max_score: int = 5
    #: option id -> code ("yes", "no", "abstain") for yes/no/abstain polls
    codes: dict = field(default_factory=dict)
    #: how many options are elected (STV, sequential Phragmén, equal shares)
    seats: int = 1
    #: the published seed of the lots that break ties (see consult.votes.counting.ties)
    tie_seed: str = ""
    #: participatory budgets (``pb_*`` methods): option id -> whole cost, the money to share, and the rule
    #: that decides what is funded ("greedy" or "equal_shares"; both are always counted)
    costs: dict = field(default_factory=dict)
    budget_limit: int | None = None
    pb_rule: str = "greedy"


def spec_of(poll, extras: dict) -> Spec:
    """A poll's Spec from its own settings and its owner's ``extras``
    (``consult.votes.owners.spec_extras``)."""
    fields = dict(option_ids=tuple(o.id for o in poll.options), max_choices=poll.max_choices,
                  points_budget=poll.points_budget, codes={o.id: o.code for o in poll.options if o.code},
                  seats=poll.seats or 1, tie_seed=poll.tie_seed or "")
    fields.update(extras)
    return Spec(**fields)


class NumberPerOption(BaseMethod):
    """A method whose ballot gives each option a whole number (points, scores): the ballot's inputs are named
    ``<method name>-<option id>``, and the count adds up each option's numbers."""

    def parse_form(self, form, spec: Spec):
        return {str(oid): form.get(f"{self.name}-{oid}", "") for oid in spec.option_ids}

    @staticmethod
    def sums(groups, spec: Spec, each=None) -> tuple[int, dict[str, int]]:
        """The ballots' total weight and each option's weighted sum; ``each(option, number, weight)`` sees
        every number counted."""
        sums = {str(oid): 0 for oid in spec.option_ids}
        total = 0
        for choice, weight in groups:
            total += weight
            for key, value in choice.items():
                sums[key] += value * weight
                if each is not None:
                    each(key, value, weight)
        return total, sums


def encode(choice) -> str:
    """The one text spelling of a canonical choice."""
    return json.dumps(choice, separators=(",", ":"), sort_keys=True)


def decode(text: str):
    return json.loads(text)


def decode_all(texts: list) -> list:
    """:func:`decode` of each text, in one call (a JSON array of them: about twice as fast for many)."""
    return json.loads("[" + ",".join(texts) + "]")


def as_option(value, spec: Spec) -> int:
    """An option id from a form value or JSON, refused when it is not one of this poll's options."""
    try:
        option_id = int(value)
    except (TypeError, ValueError):
        raise BallotError(_l("This choice is not one of the options of this poll.")) from None
    if option_id not in spec.option_ids:
        raise BallotError(_l("This choice is not one of the options of this poll."))
    return option_id


def as_int(value, message) -> int:
    if isinstance(value, bool):
        raise BallotError(message)
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    if text == "":
        return 0
    try:
        return int(text)
    except ValueError:
        raise BallotError(message) from None


def top(counts: dict[str, float], spec: Spec) -> list[int]:
    """Options with the highest count (several on a tie; none when nothing was counted)."""
    if not counts:
        return []
    best = max(counts.values())
    if best <= 0:
        return []
    return [oid for oid in spec.option_ids if counts.get(str(oid), 0) == best]


def _registry():
    from consult.votes.methods import (
        approval,
        committee,
        pb_approval,
        pb_cumulative,
        pb_knapsack,
        points,
        ranked_irv,
        schulze,
        score,
        single,
        stv,
        yes_no_abstain,
    )

    registry = {m.METHOD.name: m.METHOD
                for m in (yes_no_abstain, single, approval, ranked_irv, schulze, score, points, stv,
                          pb_knapsack, pb_approval, pb_cumulative)}
    registry.update((m.name, m) for m in committee.METHODS)
    return registry


_METHODS: dict | None = None


def get(name: str):
    global _METHODS
    if _METHODS is None:
        _METHODS = _registry()
    try:
        return _METHODS[name]
    except KeyError:
        raise BallotError(_l("Unknown voting method.")) from None


def names() -> list[str]:
    get("single")
    return list(_METHODS)
