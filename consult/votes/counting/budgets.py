"""Counting a participatory budget: greedy by votes, and the method of equal shares. Pure Python, exact.

Ballots come aggregated, as SQL ``GROUP BY choice`` gives them: ``(ballot, weight)`` pairs, where a ballot is
the chosen project ids (knapsack and approval ballots) or ``{project id: points}`` (cumulative ballots).
``costs`` maps every project on the ballot to its whole cost; ``limit`` is the money to share.

**Greedy by votes** (``greedy``: what most cities do). Projects are taken by votes (points for cumulative
ballots), most first; a project is funded when its cost fits in the money left, otherwise it is passed over
and the count goes on with the next one. This is pabutools' ``greedy_utilitarian_welfare`` with the cost
satisfaction (``Cost_Sat``: a project's satisfaction per unit of cost is its number of votes).

**Method of equal shares** (``equal_shares``, Peters & Skowron; equalshares.net). Every voter — blank ballots
included — gets an equal share of the money, ``limit ÷ ballots``. A project can be funded only with the money
of its own supporters. In each round, for every project whose supporters still have at least its cost, ``ρ``
is the smallest number such that the supporters, each paying ``min(what they have left, ρ × utility)``, pay
its cost together; the project with the smallest ``ρ`` is funded and its supporters pay. It stops when no
project can be paid for. The utility is:

* for knapsack and approval ballots, **the project's cost** (equalshares.net's default and what Wieliczka
  and Aarau used: a voter is as satisfied as the money spent on what they chose; pabutools' ``Cost_Sat``), so
  the supporters of a project pay equal parts of its cost, a supporter short of money paying all they have;
* for cumulative ballots, **the points** the voter gave the project (pabutools' ``Additive_Cardinal_Sat``):
  a supporter pays in proportion to their points.

**Completion** (``completion``), because equal shares alone usually leaves money unspent:

* ``"add1"`` (the default; Wieliczka 2023, published on pabulib as ``equalshares/add1``, and
  equalshares.net): the count is run again with every voter's share raised by 1 (a whole currency unit),
  and again, until a result would cost more than the budget (or every project with votes is funded); the
  last result within the budget is kept. This is pabutools' ``exhaustion_by_budget_increase`` with a
  step of one unit per voter and ``exhaustive_stop=False`` (stopping at the first result that leaves no
  room for another project, pabutools' ``voter_budget_increment=1``, does not give Wieliczka's published
  result). Money still left is then given by greedy by votes to the projects that fit
  (``funded_by_completion``).
* ``"none"``: equal shares alone.

**Ties** (equal votes in greedy, equal ``ρ`` in equal shares) go, in this order, to the project with more
votes, then to the cheaper one, then by the lot of :mod:`consult.votes.counting.ties` drawn from the poll's
published seed with stage 0 (the smallest key first). It is one fixed order of the projects, given to
pabutools as its tie-breaking rule in Consult's tests.

A project nobody voted for is never funded (``no_votes``). A project costing nothing that someone voted
for is funded first by equal shares.

**Reasons** (``reasons``: project id as str -> ``{"code": ..., numbers}``), the codes:

* ``funded`` — funded by the rule (greedy: ``votes``; equal shares: ``round`` and ``per_voter``, the most a
  supporter paid);
* ``funded_by_completion`` — funded with the money equal shares left, by greedy by votes;
* ``over_remaining_budget`` — its cost was more than the money left when its turn came (``left``);
* ``supporters_could_not_pay`` — equal shares: its supporters had less than its cost left between them
  (``available``);
* ``no_votes`` — nobody voted for it.

Speed (:mod:`.shares`): voters with identical ballots are one group with a weight, and groups with the same
money left share one *budget class*, its money a whole number of ``1/scale`` (exact); a project's
affordability is computed from how much weight each class has among its supporters (``collections.Counter``
over class numbers), and only for the projects whose earlier affordability (a lower bound: money only goes
down) could beat the best of the round. The completion's runs start again from the last round before anyone
had to give all they had (up to there, a larger share makes the same rounds). The "add1" completion still
needs one run per unit added to the share: 100,000 diverse knapsack ballots with a share of 20 take ~18 runs
(``benchmarks/budgets_count.py``). On large knapsack and approval profiles the runs are made by
:mod:`.shares_fast` (numpy arrays, floating point whose every decision is certified by an error bound, the
numbers shown rebuilt exactly as fractions), ~8 times faster; when a decision is too close to call it says
so and the count is made by :mod:`.shares`: the result is the same either way.
"""

from __future__ import annotations

from fractions import Fraction

from consult.votes.counting import shares_fast, ties
from consult.votes.counting.shares import Shares, number

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"
RULES = (GREEDY, EQUAL_SHARES)
COMPLETIONS = ("add1", "none")

FUNDED = "funded"
FUNDED_BY_COMPLETION = "funded_by_completion"
OVER_REMAINING_BUDGET = "over_remaining_budget"
SUPPORTERS_COULD_NOT_PAY = "supporters_could_not_pay"
NO_VOTES = "no_votes"


class Profile:
    """The ballots in the form both rules count: groups of identical ballots, each project's votes, its
    supporters (group indices) and, for points ballots, each supporter's points."""

    def __init__(self, groups, costs: dict, *, points: bool = False, tie_seed: str = ""):
        self.projects = list(costs)
        self.costs = {p: int(costs[p]) for p in self.projects}
        self.points = points
        known = set(self.projects)
        self.total = 0
        self.weights: list[int] = []
        self.votes = dict.fromkeys(self.projects, 0)
        self.unit: dict = {p: [] for p in self.projects}   # supporters of weight 1
        self.heavy: dict = {p: [] for p in self.projects}  # (group, weight) of the others
        self.given: dict = {p: {} for p in self.projects}  # points ballots: group -> points
        unit, heavy, given = self.unit, self.heavy, self.given
        for ballot, weight in groups:
            if weight <= 0:
                continue
            self.total += weight
            if points:
                chosen = [(p, v) for p, v in ballot.items() if p in known and v > 0]
            else:
                chosen = [p for p in ballot if p in known]
            if not chosen:
                continue
            g = len(self.weights)
            self.weights.append(weight)
            if points:
                for p, value in chosen:
                    self.votes[p] += value * weight
                    given[p][g] = value
                    (unit[p].append(g) if weight == 1 else heavy[p].append((g, weight)))
            elif weight == 1:
                for p in chosen:
                    unit[p].append(g)
            else:
                for p in chosen:
                    heavy[p].append((g, weight))
        if not points:
            for p in self.projects:
                self.votes[p] = len(unit[p]) + sum(w for _g, w in heavy[p])
        self.members = {p: self.unit[p] + [g for g, _w in self.heavy[p]] for p in self.projects}
        self.order = sorted(self.projects, key=lambda p: (-self.votes[p], self.costs[p],
                                                          ties.lot_key(tie_seed, 0, p), p))
        self.rank = {p: i for i, p in enumerate(self.order)}

    def supported(self):
        return [p for p in self.order if self.votes[p] > 0]


def greedy(profile: Profile, limit: int, *, already=(), left=None, code=FUNDED) -> dict:
    """Greedy by votes over the projects not in ``already``, with ``left`` money (default ``limit``)."""
    left = limit if left is None else left
    funded, reasons = [], {}
    for p in profile.supported():
        if p in already:
            continue
        if profile.costs[p] <= left:
            left -= profile.costs[p]
            funded.append(p)
            reasons[str(p)] = {"code": code, "votes": profile.votes[p], "cost": profile.costs[p]}
        else:
            reasons[str(p)] = {"code": OVER_REMAINING_BUDGET, "votes": profile.votes[p],
                               "cost": profile.costs[p], "left": left}
    return {"funded": funded, "left": left, "reasons": reasons}


def equal_shares(profile: Profile, limit: int, *, completion: str = "add1", engine: str = "auto") -> dict:
    """The method of equal shares with its completion (see the module docstring): the rule's result.

    ``engine``: ``"exact"`` (:class:`Shares`, integers), ``"fast"`` (:class:`FastShares`, numpy, raises
    :class:`Uncertain` when floating point cannot decide), ``"auto"`` (fast on large knapsack/approval
    profiles, exact when the fast one is unsure or not usable). All give the same result."""
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}")
    if engine == "fast" or (engine == "auto" and shares_fast.usable(profile)):
        try:
            return _equal_shares(profile, limit, completion, shares_fast.FastShares)
        except shares_fast.Uncertain:
            if engine == "fast":
                raise
    return _equal_shares(profile, limit, completion, Shares)


def _equal_shares(profile: Profile, limit: int, completion: str, engine) -> dict:
    if not profile.total:
        return _shares_result(profile, limit, [], [], {}, Fraction(0), completion, [])
    share = Fraction(limit, profile.total)
    first = engine(profile, share)
    funded, rounds, available = first.run()
    checkpoint = first.checkpoint
    if completion == "add1":
        supported = len(profile.supported())
        while len(funded) < supported:
            more, later = engine.resumed(profile, checkpoint, share + 1, stop_over=limit)
            if sum(profile.costs[p] for p in more[0]) > limit:
                break
            share += 1
            funded, rounds, available = more
            checkpoint = later or checkpoint
    rounds, available = available.final_rounds(rounds), available.left_over(funded)
    extra = []
    if completion == "add1":
        spent = sum(profile.costs[p] for p in funded)
        extra = greedy(profile, limit, already=set(funded), left=limit - spent,
                       code=FUNDED_BY_COMPLETION)
    return _shares_result(profile, limit, funded, rounds, available, share, completion, extra)


def _shares_result(profile, limit, funded, rounds, available, share, completion, extra) -> dict:
    reasons = {}
    paid = {row["project"]: row for row in rounds}
    for p in profile.projects:
        if p in paid:
            reasons[str(p)] = {"code": FUNDED, "votes": profile.votes[p], "cost": profile.costs[p],
                               "round": paid[p]["round"], "per_voter": paid[p]["per_voter"]}
        elif profile.votes[p] == 0:
            reasons[str(p)] = {"code": NO_VOTES, "votes": 0, "cost": profile.costs[p]}
        elif extra and str(p) in extra["reasons"]:
            reasons[str(p)] = dict(extra["reasons"][str(p)])
            if p in available:
                reasons[str(p)]["available"] = number(available[p])
        else:
            reasons[str(p)] = {"code": SUPPORTERS_COULD_NOT_PAY, "votes": profile.votes[p],
                               "cost": profile.costs[p], "available": number(available.get(p, 0))}
    everything = list(funded) + (extra["funded"] if extra else [])
    spent = sum(profile.costs[p] for p in everything)
    return {"funded": everything, "spent": spent, "left": limit - spent, "reasons": reasons,
            "rounds": rounds, "completion": completion, "share": number(share),
            "by_completion": extra["funded"] if extra else []}


def count(groups, costs: dict, limit: int, *, points: bool = False, completion: str = "add1",
          tie_seed: str = "") -> dict:
    """Both rules over the same ballots: ``{"greedy": ..., "equal_shares": ..., "votes": ..., "ballots":
    ...}``; each rule has ``funded`` (project ids in order of selection), ``spent``, ``left`` and ``reasons``
    (equal shares also ``rounds``, ``completion``, ``share`` — the final share per voter — and
    ``by_completion``)."""
    profile = Profile(groups, costs, points=points, tie_seed=tie_seed)
    plain = greedy(profile, limit)
    for p in profile.projects:
        if profile.votes[p] == 0:
            plain["reasons"][str(p)] = {"code": NO_VOTES, "votes": 0, "cost": profile.costs[p]}
    plain["spent"] = limit - plain["left"]
    return {"ballots": profile.total, "votes": {str(p): profile.votes[p] for p in profile.projects},
            GREEDY: plain, EQUAL_SHARES: equal_shares(profile, limit, completion=completion)}
