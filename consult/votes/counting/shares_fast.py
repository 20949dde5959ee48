"""The method of equal shares for knapsack and approval ballots with numpy, in floating point *certified*
exact: the engine :func:`consult.votes.counting.budgets.equal_shares` tries first on large profiles.

Every group's money left is a float64 in an array, with one bound ``err`` on the absolute error of all of
them (it grows with each payment by the bound on that payment's error). Each decision of the count — can the
supporters pay, who gives all they have, which ρ is the smallest — is taken only when its margin is more than
four times its error bound; otherwise :class:`Uncertain` is raised and the count is made again exactly by
:class:`~consult.votes.counting.shares.Shares` (integer arithmetic). A ρ met while nobody is short of money
is ``1 / supporters`` exactly, so exact ties between such projects (the usual ones) are decided exactly.

The numbers shown are exact too: a supporter with money left has the share less what they paid for each
funded project they chose, so each payment is rebuilt as a fraction from the weights of the supporters who
gave all they had and of those who had chosen each earlier project (:meth:`FastShares.exact_pays`), and so is
the money left over for each project not funded. The result is therefore the exact one, only faster: each run
is a few array operations per round instead of a loop over the groups."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from consult.votes.counting.shares import Shares, number

if TYPE_CHECKING:
    from consult.votes.counting.budgets import Profile

EPS = 2.0 ** -52
SAFETY = 4.0
#: profiles with fewer groups of identical ballots are counted exactly straight away
MIN_GROUPS = 200
#: nor those whose table of groups × projects (one byte each) would be larger than this
MAX_CELLS = 64_000_000


class Uncertain(Exception):
    """A decision of the count is too close for floating point: count exactly instead."""


def usable(profile: Profile) -> bool:
    """Knapsack/approval profiles of some size (cumulative ones and small ones are counted exactly)."""
    return (not profile.points and MIN_GROUPS <= len(profile.weights)
            and len(profile.weights) * len(profile.projects) <= MAX_CELLS)


def _arrays(profile: Profile):
    """Each project's supporters (group indices) and their weights as arrays, made once per profile."""
    cached = getattr(profile, "_fast_arrays", None)
    if cached is None:
        weights = np.asarray(profile.weights, dtype=np.float64)
        members = {p: np.asarray(profile.members[p], dtype=np.int64) for p in profile.projects}
        ballots = np.zeros((len(weights), len(profile.projects)), dtype=np.uint8)  # group × project: 0/1
        for column, p in enumerate(profile.projects):
            ballots[members[p], column] = 1
        cached = (members, {p: weights[members[p]] for p in profile.projects}, weights, ballots)
        profile._fast_arrays = cached
    return cached


def paid_by(money, weights) -> tuple[float, float]:
    """What supporters with this money and these weights have between them, and a bound on its error
    (the money's own error aside): each product is rounded once, and numpy sums a contiguous array pairwise
    (blocks of 128 summed eight ways, then halves), so the sum's error is at most (log2 n + 20) EPS × sum."""
    total = float((money * weights).sum())
    return total, (math.log2(len(money) + 1) + 20) * EPS * total


class Rho:
    """A ρ: its float value and error bound, and the exact value when nobody was short of money."""

    __slots__ = ("value", "err", "exact", "paid", "paid_err")

    def __init__(self, value: float, err: float, exact: Fraction | None, paid: float, paid_err: float):
        self.value, self.err, self.exact, self.paid, self.paid_err = value, err, exact, paid, paid_err

    def compare(self, other: Rho) -> int:
        if self.exact is not None and other.exact is not None:
            return (self.exact > other.exact) - (self.exact < other.exact)
        diff = self.value - other.value
        if abs(diff) <= SAFETY * (self.err + other.err) + EPS * (self.value + other.value):
            raise Uncertain
        return 1 if diff > 0 else -1

    def low(self) -> float:
        """A lower bound of the exact ρ (a bound for the later rounds: money only goes down)."""
        return self.value - SAFETY * self.err - 2 * EPS * self.value


class FastShares(Shares):
    """One run of equal shares from ``start`` per voter, as :class:`Shares` but on float arrays."""

    def __init__(self, profile: Profile, start: Fraction):
        self.profile = profile
        self.share = start
        self.members, self.weights, self.all_weights, self.ballots = _arrays(profile)
        self.money = np.full(len(profile.weights), float(start))
        self.err = EPS * float(start)
        self.recipes = None
        self.live: dict = {}

    def supporters(self, p) -> tuple:
        """The project's supporters (group indices), their weights and money, and whether all are there:
        once most have nothing left, those with nothing are left out (they pay nothing)."""
        idx, weights = self.live.get(p) or (self.members[p], self.weights[p])
        money = self.money[idx]
        if len(idx) > 256:
            some = money > 0
            if np.count_nonzero(some) * 2 < len(idx):
                idx, weights, money = idx[some], weights[some], money[some]
                self.live[p] = (idx, weights)
        return idx, weights, money, p not in self.live

    def rho(self, p):
        """The exact ρ of :meth:`Shares.rho` (as a :class:`Rho`), None when the supporters cannot pay."""
        _idx, weights, money, everyone = self.supporters(p)
        cost = float(self.profile.costs[p])
        weight = float(self.profile.votes[p]) if everyone else float(weights.sum())
        total, total_err = paid_by(money, weights)
        slack = SAFETY * (self.err * weight + total_err + EPS * cost)
        if total < cost - slack:
            self.clean = False
            return None
        if total <= cost + slack:
            raise Uncertain
        pays = cost / weight  # what each pays when nobody is short
        margin = SAFETY * (self.err + EPS * pays)
        least = float(money.min())
        if everyone and least - pays > margin:
            return Rho(1.0 / weight, 0.0, Fraction(1, self.profile.votes[p]), pays, EPS * pays)
        if everyone and least - pays >= -margin:
            raise Uncertain
        self.clean = False
        return self._rho_short(money, weights, cost, weight)

    def _rho_short(self, money, weights, cost: float, weight: float) -> Rho:
        """ρ when some supporters give all they have: those with at most what each pays give all, the others
        equal parts (water filling: raise what each pays until nobody else falls short)."""
        rich = money > cost / weight
        paid = float((money[~rich] * weights[~rich]).sum())  # approximate here: made accurate below
        rich_money, rich_weights = money[rich], weights[rich]
        rest = float(rich_weights.sum())
        for _ in range(64):
            if rest <= 0:
                raise Uncertain  # pragma: no cover - the supporters' money covers the cost
            pays = (cost - paid) / rest
            short = rich_money <= pays
            if not bool(short.any()):
                break
            paid += float((rich_money[short] * rich_weights[short]).sum())
            rest -= float(rich_weights[short].sum())
            rich_money, rich_weights = rich_money[~short], rich_weights[~short]
        else:  # pragma: no cover - each step leaves someone more short
            raise Uncertain
        short = money <= pays
        paid, paid_err = paid_by(money[short], weights[short])
        rest = weight - float(weights[short].sum())
        pays = (cost - paid) / rest
        pays_err = (self.err * (weight - rest) + paid_err + EPS * (paid + cost)) / rest + 2 * EPS * pays
        if bool(np.any(np.abs(money - pays) <= SAFETY * (self.err + pays_err))
                or np.any(short != (money < pays))):
            raise Uncertain  # someone has about what each pays: who gives all they have is unsure
        return Rho(pays / cost, pays_err / cost + EPS * pays / cost, None, pays, pays_err)

    def pay(self, p, rho: Rho) -> None:
        """The supporters pay ``min(money left, what each pays)``; how to make the exact payment is noted
        (:meth:`exact_pays`): who gave all they had and which projects they had paid for before."""
        idx, weights, money, _everyone = self.supporters(p)
        if rho.exact is None:
            short = idx[(money > 0) & (money <= rho.paid)]
            given_all, counts = self._chose(short)
            rest = int(weights[money > 0].sum()) - given_all
            self.recipes.append((p, given_all, counts, rest))
        else:
            self.recipes.append((p, None, None, None))
        self.money[idx] = np.maximum(money - rho.paid, 0.0)
        self.err += rho.paid_err + EPS * float(self.share)

    def exact_pays(self) -> dict:
        """What each supporter of each funded project paid (those who gave all they had aside), exactly:
        the money of a supporter with some left is the share less what they paid, so a payment is
        ``(cost - (share × weight short - Σ earlier payments × their weight short)) / weight not short``."""
        column = {p: i for i, p in enumerate(self.profile.projects)}
        pays: dict = {}
        for p, short, counts, rest in self.recipes:
            cost = self.profile.costs[p]
            if short is None:
                pays[p] = Fraction(cost, self.profile.votes[p])
            else:
                paid = self.share * short - sum(t * int(counts[column[r]]) for r, t in pays.items())
                pays[p] = (cost - paid) / rest
        return pays

    @classmethod
    def resumed(cls, profile: Profile, checkpoint, share: Fraction, stop_over=None):
        """The run from ``share`` (larger than the checkpoint's), from the checkpoint of an earlier run."""
        earlier, funded, rounds, bound, money, err, recipes = checkpoint
        shares = cls.__new__(cls)
        shares.profile, shares.share, shares.stop_over = profile, share, stop_over
        shares.members, shares.weights, shares.all_weights, shares.ballots = _arrays(profile)
        shares.recipes, shares.live = list(recipes), {}
        shares.money = money + float(share - earlier)
        shares.err = err + EPS * float(share)
        return shares.run(start=(funded, rounds, bound)), shares.checkpoint

    def _candidates(self, bound: dict) -> tuple:
        """The smallest ρ of the round and the projects tied on it; drops those nobody can pay."""
        rank = self.profile.rank
        best, tied = None, []
        for p in sorted(bound, key=lambda q: (bound[q], rank[q])):
            if best is not None and bound[p] > best.value + SAFETY * best.err + 2 * EPS * best.value:
                break
            rho = self.rho(p)
            if rho is None:
                del bound[p]
                continue
            bound[p] = rho.low()
            order = 1 if best is None else rho.compare(best)
            if best is None or order < 0:
                best, tied = rho, [p]
            elif order == 0:
                tied.append(p)
        return best, tied

    def _rounds(self, funded: list, rounds: list, bound: dict):
        profile = self.profile
        bound = {p: float(b) * (1 - 4 * EPS) for p, b in bound.items()}
        if self.recipes is None:  # the projects costing nothing, funded first
            self.recipes = [(p, None, None, None) for p in funded]
        self.clean, self.checkpoint = True, None
        while bound:
            if self.clean:
                self.checkpoint = (self.share, list(funded), list(rounds), dict(bound), self.money.copy(),
                                   self.err, list(self.recipes))
            best, tied = self._candidates(bound)
            if not tied:
                break
            chosen = min(tied, key=profile.rank.__getitem__)
            rho, per_voter = best.value, best.paid  # made exact by final_rounds
            self.pay(chosen, best)
            del bound[chosen]
            funded.append(chosen)
            rounds.append({"round": len(rounds) + 1, "project": chosen, "rho": rho, "per_voter": per_voter,
                           "tied": sorted(tied)})
            if self.stop_over is not None and sum(profile.costs[p] for p in funded) > self.stop_over:
                break
        return funded, rounds, self

    def final_rounds(self, rounds: list) -> list:
        """The rounds with each ρ and payment made exact (:meth:`exact_pays`) and rounded as shown."""
        pays, out = self.exact_pays(), []
        for row in rounds:
            cost = self.profile.costs[row["project"]]
            if cost:
                t = pays[row["project"]]
                row = {**row, "rho": number(t / cost), "per_voter": number(t)}
            out.append(row)
        return out

    def left_over(self, funded) -> dict:
        """The money the supporters of each project not funded still have between them, exactly (from
        :meth:`exact_pays` and how many of them paid for each funded project)."""
        pays, out = self.exact_pays(), {}
        column = {p: i for i, p in enumerate(self.profile.projects)}
        for p in self.profile.supported():
            if p not in funded:
                idx = self.members[p]
                weight, counts = self._chose(idx[self.money[idx] > 0])
                out[p] = self.share * weight - sum(t * int(counts[column[r]]) for r, t in pays.items())
        return out

    def _chose(self, groups) -> tuple[int, list]:
        """The weight of these groups, and how much of it chose each project (in the profile's order)."""
        weights = self.all_weights[groups]
        single = weights == 1  # most groups are one voter: a plain column sum, much faster
        counts = self.ballots[groups[single]].sum(axis=0, dtype=np.int64)
        heavy = groups[~single]
        if len(heavy):
            counts = counts + (weights[~single] @ self.ballots[heavy]).astype(np.int64)
        return int(weights.sum()), counts.tolist()
