"""Proportional committees from approval ballots: sequential Phragmén and the method of equal shares.

Both follow the definitions of abcvoting (Lackner & Skowron, *Multi-Winner Voting with Approval Preferences*,
Springer 2023), rules ``seq-phragmen`` and ``equal-shares``, and count in exact fractions.

**Sequential Phragmén** (``seq-phragmen``). Seats are filled one at a time. Each elected candidate puts a load
of 1 on their approvers, shared so that the approvers' loads are as equal as possible: at each round, for
every candidate ``c`` not yet elected, the new maximal load would be ``(1 + Σ weight × load of c's
approvers) ÷ (total weight of c's approvers)``; the candidate with the smallest such value is elected, and
each of its approvers' loads becomes that value. A candidate nobody approves comes only after every approved
one.

**Method of equal shares** (``equal-shares``, with abcvoting's default completion by sequential Phragmén).
Every voter — blank ballots included, as in abcvoting — starts with a budget of ``seats ÷ (total weight)``
per unit of weight; electing a candidate
costs 1, paid by its approvers. At each round, for each candidate whose approvers have at least 1 left in
all, ``q`` is the smallest amount per unit of weight such that approvers paying ``min(their budget, q)``
pay 1 in total; the candidate with the smallest ``q`` is elected and its approvers pay. When no candidate
is affordable any more (or the seats are filled), the remaining seats are filled by sequential Phragmén
starting from loads equal to minus the budget each voter has left.

**Ties** (equal maximal loads, equal ``q``): these methods have no stages to look back on, so the lot
decides at once — the lot of :mod:`consult.votes.counting.ties`, drawn from the published seed with the
round number as the stage.

Without a single approval nobody is elected (``winners`` is empty).

**Order of substitutes** (Consult's rule): ``order`` lists every candidate: the elected in order of
election, then the rest in the order in which the method would go on electing them if there were more seats
(sequential Phragmén continues; equal shares continues with its completion by sequential Phragmén).

Ballots come aggregated: ``(approved candidate ids, weight)`` pairs, the weight being the number of
identical ballots. Voters with the same approvals always carry the same loads and budgets, so each group
counts as one voter of that weight — as abcvoting's weighted voters do.
"""

from __future__ import annotations

from fractions import Fraction

from consult.votes.counting import ties

SEQ_PHRAGMEN = "seq-phragmen"
EQUAL_SHARES = "equal-shares"


class _Profile:
    def __init__(self, ballots, candidates):
        self.candidates = list(candidates)
        known = set(self.candidates)
        groups: dict = {}
        for approved, weight in ballots:
            if weight <= 0:
                continue
            key = frozenset(c for c in approved if c in known)
            groups[key] = groups.get(key, 0) + weight
        self.total = sum(groups.values())
        self.sets = [s for s in groups if s]
        self.weights = [groups[s] for s in self.sets]
        self.counts = dict.fromkeys(self.candidates, 0)
        self.approvers: dict = {c: [] for c in self.candidates}
        for v, approved in enumerate(self.sets):
            for c in approved:
                self.counts[c] += self.weights[v]
                self.approvers[c].append(v)


def _as_number(x: Fraction) -> float:
    return round(float(x), 6)


def _phragmen(profile: _Profile, elected: list, load: list, *, seed: str, rounds: list, notes: list,
              phase: str) -> None:
    """Extend ``elected`` to every candidate by sequential Phragmén from the loads ``load`` (per unit of
    weight), appending a row to ``rounds`` for each candidate elected."""
    weights, approvers = profile.weights, profile.approvers
    approved_weight = {c: sum(weights[v] for v in approvers[c]) for c in profile.candidates}
    carried = {c: sum((weights[v] * load[v] for v in approvers[c]), Fraction(0)) for c in profile.candidates}
    remaining = [c for c in profile.candidates if c not in elected]
    while remaining:
        stage = len(rounds) + 1
        supported = [c for c in remaining if approved_weight[c] > 0]
        if supported:
            new_load = {c: (carried[c] + 1) / approved_weight[c] for c in supported}
            best = min(new_load.values())
            tied = [c for c in supported if new_load[c] == best]
        else:
            best = None
            tied = remaining
        chosen = ties.choose(tied, highest=True, history=[], seed=seed, stage=stage, purpose="elect",
                             notes=notes)
        if best is not None:
            for v in approvers[chosen]:
                change = best - load[v]
                if change:
                    load[v] = best
                    for c in profile.sets[v]:
                        carried[c] += weights[v] * change
        elected.append(chosen)
        remaining.remove(chosen)
        rounds.append({"round": stage, "phase": phase, "elected": chosen,
                       "max_load": None if best is None else _as_number(best), "tied": sorted(tied)})


def _cost(profile: _Profile, budget: list, candidate) -> Fraction | None:
    """The smallest payment per unit of weight ``q`` with which the candidate's approvers, each paying
    ``min(budget, q)``, pay 1; None when they cannot."""
    weights = profile.weights
    by_budget: dict = {}
    for v in profile.approvers[candidate]:
        by_budget[budget[v]] = by_budget.get(budget[v], 0) + weights[v]
    if sum(b * w for b, w in by_budget.items()) < 1:
        return None
    left, weight = Fraction(1), sum(by_budget.values())
    for b in sorted(by_budget):
        q = left / weight
        if b >= q:
            return q
        left -= b * by_budget[b]
        weight -= by_budget[b]
    return None


def seq_phragmen(ballots, candidates, seats: int, *, tie_seed: str = "") -> dict:
    """Sequential Phragmén: the JSON-able result (see :func:`_result`)."""
    profile = _Profile(ballots, candidates)
    elected: list = []
    rounds: list = []
    notes: list = []
    _phragmen(profile, elected, [Fraction(0)] * len(profile.sets), seed=tie_seed, rounds=rounds, notes=notes,
              phase=SEQ_PHRAGMEN)
    return _result(profile, SEQ_PHRAGMEN, seats, elected, rounds, notes, tie_seed)


def equal_shares(ballots, candidates, seats: int, *, tie_seed: str = "") -> dict:
    """The method of equal shares completed by sequential Phragmén: the JSON-able result."""
    profile = _Profile(ballots, candidates)
    seats = max(1, int(seats))
    elected: list = []
    rounds: list = []
    notes: list = []
    if profile.total:
        budget = [Fraction(seats, profile.total)] * len(profile.sets)
        while len(elected) < seats:
            costs = {c: q for c in profile.candidates if c not in elected
                     and (q := _cost(profile, budget, c)) is not None}
            if not costs:
                break
            best = min(costs.values())
            tied = [c for c in profile.candidates if costs.get(c) == best]
            stage = len(rounds) + 1
            chosen = ties.choose(tied, highest=True, history=[], seed=tie_seed, stage=stage, purpose="elect",
                                 notes=notes)
            for v in profile.approvers[chosen]:
                budget[v] -= min(budget[v], best)
            elected.append(chosen)
            rounds.append({"round": stage, "phase": EQUAL_SHARES, "elected": chosen, "cost": _as_number(best),
                           "tied": sorted(tied)})
        load = [-b for b in budget]
    else:
        load = []
    _phragmen(profile, elected, load, seed=tie_seed, rounds=rounds, notes=notes, phase=SEQ_PHRAGMEN)
    return _result(profile, EQUAL_SHARES, seats, elected, rounds, notes, tie_seed)


def _result(profile: _Profile, rules: str, seats: int, order: list, rounds: list, notes: list,
            tie_seed: str) -> dict:
    """``method_rules``, ``seats``, ``ballots`` (total weight), ``blank`` (ballots approving no candidate),
    ``counts`` (approvals per candidate id as str), ``winners`` (in order of election), ``order`` (every
    candidate: elected, then substitutes), ``rounds`` (one per candidate taken: ``round``, ``phase``,
    ``elected``, ``cost`` or ``max_load``, ``tied``; the rounds after the seats are filled give the order of
    substitutes), ``tie_breaks``, ``tie_seed``. ``quota`` is None: these methods have none."""
    seats = max(1, int(seats))
    winners = order[:seats] if any(profile.weights) else []  # no approval at all: nobody is elected
    return {
        "method_rules": rules,
        "seats": seats,
        "ballots": profile.total,
        "blank": profile.total - sum(profile.weights),
        "counts": {str(c): profile.counts[c] for c in profile.candidates},
        "winners": winners,
        "order": order,
        "rounds": [dict(row, substitute=index >= seats) for index, row in enumerate(rounds)],
        "quota": None,
        "tie_breaks": notes,
        "tie_seed": tie_seed,
    }
