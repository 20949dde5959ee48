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

Speed: voters with identical ballots are one group with a weight, and groups with the same money left
share one *budget class* (a number naming an exact ``Fraction``); a project's affordability is computed from
how much weight each class has among its supporters (``collections.Counter`` over class numbers), and only
for the projects whose earlier affordability (a lower bound: money only goes down) could beat the best of
the round.
"""

from __future__ import annotations

from collections import Counter, deque
from fractions import Fraction
from operator import mul

from consult.votes.counting import ties

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"
RULES = (GREEDY, EQUAL_SHARES)
COMPLETIONS = ("add1", "none")

FUNDED = "funded"
FUNDED_BY_COMPLETION = "funded_by_completion"
OVER_REMAINING_BUDGET = "over_remaining_budget"
SUPPORTERS_COULD_NOT_PAY = "supporters_could_not_pay"
NO_VOTES = "no_votes"


def _number(x) -> float:
    return round(float(x), 6)


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


class _Shares:
    """One run of equal shares from an equal share ``start`` per voter. Money is kept as whole numbers of
    ``1/scale`` (the scale grows when a payment needs a finer unit): exact, and integer arithmetic is fast."""

    def __init__(self, profile: Profile, start: Fraction):
        self.profile = profile
        self.share = start
        self.scale = start.denominator
        self.value = [0, start.numerator]         # class number -> money left × scale (class 0: none left)
        self.cls = [1] * len(profile.weights)     # group -> class number

    def _counts(self, p) -> Counter:
        """Weight of the project's supporters per class (points ballots: per (class, points))."""
        cls = self.cls
        if self.profile.points:
            given, counts = self.profile.given[p], Counter()
            for g in self.profile.unit[p]:
                counts[(cls[g], given[g])] += 1
            for g, w in self.profile.heavy[p]:
                counts[(cls[g], given[g])] += w
            return counts
        counts = Counter(map(cls.__getitem__, self.profile.unit[p]))
        for g, w in self.profile.heavy[p]:
            counts[cls[g]] += w
        return counts

    def available(self, p) -> Fraction:
        value, counts = self.value, self._counts(p)
        classes = (c for c, _u in counts) if self.profile.points else iter(counts)
        return Fraction(sum(map(mul, map(value.__getitem__, classes), counts.values())), self.scale)

    def rho(self, p):
        """The smallest ρ with which the supporters, each paying ``min(money left, ρ × utility)``, pay the
        project's cost; None when they cannot."""
        if self.profile.points:
            return self._rho_points(p)
        # the utility is the cost C for every supporter: ρ × C × scale is what each rich supporter pays
        counts = self._counts(p)
        money = list(map(self.value.__getitem__, counts))
        weights = list(counts.values())
        cost = self.profile.costs[p] * self.scale
        if sum(map(mul, money, weights)) < cost:
            self.clean = False
            return None
        paid, weight = 0, sum(weights)
        utility = self.profile.costs[p]
        least = min(money) * weight
        if least >= cost:  # nobody is short: they all pay cost / weight
            self.clean = self.clean and least > cost
            return Fraction(cost, weight * self.scale * utility)
        self.clean = False
        for b, w in sorted(zip(money, weights, strict=True)):
            if cost - paid <= b * weight:
                return Fraction(cost - paid, weight * self.scale * utility)
            paid += b * w
            weight -= w
        return None  # pragma: no cover - the sum check above makes the last entry pay

    def _rho_points(self, p):
        cost = self.profile.costs[p] * self.scale
        entries = [(self.value[c], u, w) for (c, u), w in self._counts(p).items()]
        if sum(b * w for b, _u, w in entries) < cost:
            self.clean = False
            return None
        entries.sort(key=lambda e: Fraction(e[0], e[1]))
        paid, weight = 0, sum(u * w for _b, u, w in entries)
        b, u, _w = entries[0]
        self.clean = self.clean and cost * u < b * weight  # nobody pays all they have
        for b, u, w in entries:
            if (cost - paid) * u <= b * weight:  # ρ × scale = (cost - paid) / weight; it fits in b / u
                return Fraction(cost - paid, weight * self.scale)
            paid += b * w
            weight -= u * w
        return None  # pragma: no cover - the sum check above makes the last entry pay

    def _rescale(self, finer: int) -> None:
        """A finer unit of money; classes nobody is in any more are dropped on the way."""
        live = set(self.cls)
        live.add(0)
        if len(live) * 2 < len(self.value):
            order = sorted(live)
            renumber = {c: i for i, c in enumerate(order)}
            self.cls = list(map(renumber.__getitem__, self.cls))
            self.value = [self.value[c] * finer for c in order]
        else:
            self.value = [v * finer for v in self.value]
        self.scale *= finer

    def pay(self, p, rho: Fraction) -> None:
        """The supporters pay ``min(money left, ρ × utility)``: each class of supporters moves to the class of
        what it has left (classes left with the same money are merged)."""
        per_unit = rho * self.scale
        if per_unit.denominator != 1:
            self._rescale(per_unit.denominator)
        x = (rho * self.scale).numerator  # what a unit of utility costs a supporter, × the (new) scale
        cls, value, profile = self.cls, self.value, self.profile
        members = profile.members[p]
        if profile.points:
            given = profile.given[p]
            keys = [(cls[g], given[g]) for g in members]
            olds = list(set(keys))
            lefts = [value[c] - x * u for c, u in olds]
        else:
            keys = list(map(cls.__getitem__, members))
            olds = list(set(keys))
            pays = x * profile.costs[p]
            lefts = [v - pays for v in map(value.__getitem__, olds)]
        # distinct classes paying the same stay distinct; those left with nothing join class 0
        first = len(value)
        value.extend(left if left > 0 else 0 for left in lefts)
        moved = dict(zip(olds, [first + i if left > 0 else 0 for i, left in enumerate(lefts)], strict=True))
        deque(map(cls.__setitem__, members, map(moved.__getitem__, keys)), maxlen=0)

    @classmethod
    def resumed(cls, profile: Profile, checkpoint, share: Fraction, stop_over=None):
        """The run from ``share`` (larger than the checkpoint's), from the checkpoint of an earlier run."""
        earlier, funded, rounds, bound, classes, value, scale = checkpoint
        more = (share - earlier) * scale  # whole: both shares differ by whole units
        shares = cls.__new__(cls)
        shares.profile, shares.share, shares.scale = profile, share, scale
        shares.stop_over = stop_over
        shares.cls = list(classes)
        shares.value = [0, *(v + int(more) for v in value[1:])]
        return shares.run(start=(funded, rounds, bound)), shares.checkpoint

    #: stop as soon as what is funded costs more than this (the completion's runs)
    stop_over = None

    def run(self, start=None) -> tuple[list, list, _Shares]:
        """Funded projects in order, the rounds, and the supporters' money left for the others.

        ``checkpoint`` is kept: the state before the first round in which a supporter had to give all they
        had or a project could not be paid for. Up to there every ρ was its cost over its supporters'
        weight, whatever the share: a run from a larger share makes the same rounds, everyone having the
        difference more (:meth:`resumed`)."""
        if start is not None:
            funded, rounds, bound = list(start[0]), list(start[1]), dict(start[2])
            return self._rounds(funded, rounds, bound)
        profile = self.profile
        funded, rounds = [], []
        bound: dict = {}
        for p in profile.supported():
            if profile.costs[p] == 0:
                funded.append(p)
                rounds.append({"round": len(rounds) + 1, "project": p, "rho": 0.0, "per_voter": 0.0,
                               "tied": [p]})
            else:
                # ρ if every supporter had enough: a lower bound, as money only goes down
                bound[p] = (Fraction(profile.costs[p], profile.votes[p]) if profile.points
                            else Fraction(1, profile.votes[p]))
        return self._rounds(funded, rounds, bound)

    def _rounds(self, funded: list, rounds: list, bound: dict):
        profile = self.profile
        self.clean, self.checkpoint = True, None
        while bound:
            if self.clean:
                self.checkpoint = (self.share, list(funded), list(rounds), dict(bound), list(self.cls),
                                   list(self.value), self.scale)
            best, tied = None, []
            for p in sorted(bound, key=lambda q: (bound[q], profile.rank[q])):
                if best is not None and bound[p] > best:
                    break
                rho = self.rho(p)
                if rho is None:
                    del bound[p]
                    continue
                bound[p] = rho
                if best is None or rho < best:
                    best, tied = rho, [p]
                elif rho == best:
                    tied.append(p)
            if not tied:
                break
            chosen = min(tied, key=profile.rank.__getitem__)
            per_voter = best * (max(profile.given[chosen].values()) if profile.points
                                else profile.costs[chosen])
            self.pay(chosen, best)
            del bound[chosen]
            funded.append(chosen)
            rounds.append({"round": len(rounds) + 1, "project": chosen, "rho": _number(best),
                           "per_voter": _number(per_voter), "tied": sorted(tied)})
            if self.stop_over is not None and sum(profile.costs[p] for p in funded) > self.stop_over:
                break  # a run of the completion that already costs too much: it will not be kept
        return funded, rounds, self

    def left_over(self, funded) -> dict:
        """The money the supporters of each project not funded still have between them."""
        return {p: self.available(p) for p in self.profile.supported() if p not in funded}


def equal_shares(profile: Profile, limit: int, *, completion: str = "add1") -> dict:
    """The method of equal shares with its completion (see the module docstring): the rule's result."""
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}")
    if not profile.total:
        return _shares_result(profile, limit, [], [], {}, Fraction(0), completion, [])
    share = Fraction(limit, profile.total)
    first = _Shares(profile, share)
    funded, rounds, available = first.run()
    checkpoint = first.checkpoint
    if completion == "add1":
        supported = len(profile.supported())
        while len(funded) < supported:
            more, later = _Shares.resumed(profile, checkpoint, share + 1, stop_over=limit)
            if sum(profile.costs[p] for p in more[0]) > limit:
                break
            share += 1
            funded, rounds, available = more
            checkpoint = later or checkpoint
    available = available.left_over(funded)
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
                reasons[str(p)]["available"] = _number(available[p])
        else:
            reasons[str(p)] = {"code": SUPPORTERS_COULD_NOT_PAY, "votes": profile.votes[p],
                               "cost": profile.costs[p], "available": _number(available.get(p, 0))}
    everything = list(funded) + (extra["funded"] if extra else [])
    spent = sum(profile.costs[p] for p in everything)
    return {"funded": everything, "spent": spent, "left": limit - spent, "reasons": reasons,
            "rounds": rounds, "completion": completion, "share": _number(share),
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
