"""One run of the method of equal shares from a given share per voter, exact and fast: the engine of
:func:`consult.votes.counting.budgets.equal_shares` (see there for the rule, the utilities and the
completion).

Voters with identical ballots are one group with a weight (:class:`~consult.votes.counting.budgets.Profile`);
groups with the same money left share a *class*; money is kept as whole numbers of ``1/scale`` (the scale
grows when a payment needs a finer unit), so every comparison and sum is integer arithmetic."""

from __future__ import annotations

from collections import Counter, deque
from fractions import Fraction
from operator import mul
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consult.votes.counting.budgets import Profile


def number(x) -> float:
    """A JSON number for an exact amount (six decimals)."""
    return round(float(x), 6)


class Shares:
    """One run of equal shares from an equal share ``start`` per voter. Money is kept as whole numbers of
    ``1/scale`` (the scale grows when a payment needs a finer unit): exact, and integer arithmetic is fast."""

    def __init__(self, profile: Profile, start: Fraction):
        self.profile = profile
        self.share = start
        self.scale = start.denominator
        self.value = [0, start.numerator]         # class number -> money left × scale (class 0: none left)
        self.cls = [1] * len(profile.weights)     # group -> class number
        self.unit: dict = {}                      # project -> its weight-1 supporters with money left

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
        unit = self.unit.get(p)
        if unit is None:
            unit = self.profile.unit[p]
        counts = Counter(map(cls.__getitem__, unit))
        if counts.get(0, 0) * 2 > len(unit) > 64:  # supporters with nothing left pay nothing: left out
            self.unit[p] = [g for g in unit if cls[g]]
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
        """A finer unit of money; now and then classes nobody is in any more are dropped on the way."""
        if len(self.value) > self.compact_at:
            live = set(self.cls)
            live.add(0)
            order = sorted(live)
            renumber = {c: i for i, c in enumerate(order)}
            self.cls = list(map(renumber.__getitem__, self.cls))
            self.value = [self.value[c] * finer for c in order]
            self.compact_at = 3 * len(order) + 4096
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
        unit = self.unit.get(p)
        members = profile.members[p] if unit is None else unit + [g for g, _w in profile.heavy[p]]
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
        shares.unit = {}  # nobody has run out of money before the checkpoint
        shares.value = [0, *(v + int(more) for v in value[1:])]
        return shares.run(start=(funded, rounds, bound)), shares.checkpoint

    #: stop as soon as what is funded costs more than this (the completion's runs)
    stop_over = None
    #: drop the classes nobody is in when there are more than this many
    compact_at = 4096

    def run(self, start=None) -> tuple[list, list, Shares]:
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
            rounds.append({"round": len(rounds) + 1, "project": chosen, "rho": number(best),
                           "per_voter": number(per_voter), "tied": sorted(tied)})
            if self.stop_over is not None and sum(profile.costs[p] for p in funded) > self.stop_over:
                break  # a run of the completion that already costs too much: it will not be kept
        return funded, rounds, self

    def final_rounds(self, rounds: list) -> list:
        """The rounds as reported (already exact here)."""
        return rounds

    def left_over(self, funded) -> dict:
        """The money the supporters of each project not funded still have between them."""
        return {p: self.available(p) for p in self.profile.supported() if p not in funded}
