"""The numpy engine of equal shares (consult.votes.counting.shares_fast) gives exactly the result of the
integer one (consult.votes.counting.shares): funded projects, rounds, reasons with the money left over, final
share — or says it is unsure (``Uncertain``), and then the count is made by the integer engine."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.budgets_count import _ballots
from consult.budgets import pabulib
from consult.votes.counting import budgets, shares_fast

WIELICZKA = Path(__file__).parent.parent / "data" / "poland_wieliczka_2023.pb"


def _both(groups, costs, limit, completion="add1"):
    profile = budgets.Profile(groups, costs, tie_seed="seed")
    exact = budgets.equal_shares(profile, limit, completion=completion, engine="exact")
    try:
        fast = budgets.equal_shares(profile, limit, completion=completion, engine="fast")
    except shares_fast.Uncertain:
        fast = None
    return exact, fast


def _small(rng: random.Random):
    costs = {i + 1: rng.randint(1, 60) * 10 for i in range(rng.randint(3, 9))}
    groups = [([p for p in costs if rng.random() < 0.35], rng.randint(1, 4))
              for _ in range(rng.randint(1, 12))]
    return groups, costs, rng.randint(50, 400)


def _knapsack(rng: random.Random, ballots: int, projects: int):
    """Knapsack ballots with long-tailed popularity, as the benchmark draws them (its budget, 2,000,000)."""
    costs = {p: rng.choice((5, 10, 20, 30, 50, 80, 120, 200, 300)) * 1000 for p in range(1, projects + 1)}
    counted = Counter(tuple(sorted(chosen)) for chosen in _ballots(list(costs), costs, ballots, rng))
    return list(counted.items()), costs


@pytest.mark.parametrize("completion", ["none", "add1"])
def test_small_random_instances_equal_the_exact_engine_or_are_left_to_it(completion):
    rng = random.Random(f"fast-{completion}")
    certified = 0
    for _n in range(150):
        groups, costs, limit = _small(rng)
        exact, fast = _both(groups, costs, limit, completion)
        if fast is not None:
            certified += 1
            assert fast == exact, (groups, costs, limit)
    assert certified >= 100  # unsure only near exact ties between voters short of money


@pytest.mark.parametrize("seed", range(4))
def test_large_knapsack_profiles_equal_the_exact_engine(seed):
    rng = random.Random(seed)
    groups, costs = _knapsack(rng, 3000, 25)
    exact, fast = _both(groups, costs, 2_000_000)
    assert fast is not None and len(groups) >= shares_fast.MIN_GROUPS
    assert fast == exact
    assert exact["funded"] and exact["rounds"]


def test_wieliczka_fast_equals_exact():
    pb = pabulib.load(WIELICZKA.read_text(encoding="utf-8"))
    groups, _points = pabulib.ballots(pb)
    profile = budgets.Profile(groups, pb.costs())
    exact = budgets.equal_shares(profile, pb.budget, engine="exact")
    assert budgets.equal_shares(profile, pb.budget, engine="fast") == exact


def test_an_unsure_fast_count_is_made_again_exactly(monkeypatch):
    groups, costs = _knapsack(random.Random(7), 1000, 12)
    profile = budgets.Profile(groups, costs)
    exact = budgets.equal_shares(profile, 400_000, engine="exact")

    def unsure(self, p):
        raise shares_fast.Uncertain

    monkeypatch.setattr(shares_fast.FastShares, "rho", unsure)
    with pytest.raises(shares_fast.Uncertain):
        budgets.equal_shares(profile, 400_000, engine="fast")
    assert shares_fast.usable(profile)
    assert budgets.equal_shares(profile, 400_000) == exact
