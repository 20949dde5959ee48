"""Sequential Phragmén and the method of equal shares: hand-checked examples, ties drawn from the seed, and
the same committees as abcvoting on thousands of random approval profiles."""

from __future__ import annotations

import random

import pytest

from consult.votes.counting import committees, ties

PROFILES = 2000


@pytest.fixture
def counting_methods():
    """The count is pure Python: no application (this overrides the package's application fixture)."""


def random_profile(rng: random.Random):
    """3–12 candidates, 1–6 seats, 3–60 ballot groups of weight 1–9; each candidate is approved on each
    ballot with its own probability (0.1–0.7)."""
    n = rng.randint(3, 12)
    seats = rng.randint(1, min(6, n - 1))
    candidates = list(range(n))
    chance = {c: rng.uniform(0.1, 0.7) for c in candidates}
    groups: dict = {}
    for _ in range(rng.randint(3, 60)):
        approved = frozenset(c for c in candidates if rng.random() < chance[c])
        groups[approved] = groups.get(approved, 0) + rng.randint(1, 9)
    return candidates, seats, list(groups.items())


def abcvoting_committees(rule, candidates, seats, groups):
    """Every winning committee abcvoting finds (resolute=False: all the committees that some way of breaking
    the ties gives), in exact fractions."""
    from abcvoting import abcrules
    from abcvoting.preferences import Profile, Voter

    profile = Profile(len(candidates))
    for approved, weight in groups:
        profile.add_voter(Voter(approved, weight=weight))  # blank ballots too: they hold a budget
    compute = abcrules.compute_seqphragmen if rule == "seq-phragmen" else abcrules.compute_equal_shares
    return [set(c) for c in compute(profile, seats, algorithm="standard-fractions", resolute=False)]


@pytest.mark.parametrize("rule", ["seq-phragmen", "equal-shares"])
def test_the_same_committee_as_abcvoting_on_random_profiles(rule):
    pytest.importorskip("abcvoting")
    count = committees.seq_phragmen if rule == "seq-phragmen" else committees.equal_shares
    rng = random.Random(20261207 if rule == "seq-phragmen" else 1207)
    same = tied = 0
    different = []
    for _ in range(PROFILES):
        candidates, seats, groups = random_profile(rng)
        if not any(approved for approved, _ in groups):
            continue
        theirs = abcvoting_committees(rule, candidates, seats, groups)
        if len(theirs) > 1:
            tied += 1
            continue
        result = count(groups, candidates, seats, tie_seed="x")
        assert result["method_rules"] == rule
        if set(result["winners"]) == theirs[0]:
            same += 1
        else:
            different.append((candidates, seats, groups, result["winners"], theirs))
    assert different == []
    assert tied < PROFILES * 0.10
    assert same >= PROFILES * 0.85


def test_sequential_phragmen_by_hand():
    # 3 x {a, b}, 2 x {a}, 2 x {c}; 2 seats. Round 1: a would load its 5 approvers 1/5, b 1/3, c 1/2: a.
    # Round 2: b would bring its approvers to (3 x 1/5 + 1) / 3 = 8/15, c to 1/2: c. Then b.
    result = committees.seq_phragmen([({"a", "b"}, 3), ({"a"}, 2), ({"c"}, 2)], ["a", "b", "c"], 2)
    assert result["winners"] == ["a", "c"] and result["order"] == ["a", "c", "b"]
    assert [r["max_load"] for r in result["rounds"]] == [0.2, 0.5, 0.533333]
    assert result["rounds"][2]["substitute"] is True and result["rounds"][1]["substitute"] is False
    assert result["counts"] == {"a": 5, "b": 3, "c": 2} and result["ballots"] == 7
    assert result["quota"] is None and result["tie_breaks"] == []


def test_equal_shares_by_hand_with_its_completion_by_phragmen():
    # 7 voters, 2 seats: each has 2/7. a costs 1/5 to each of its 5 approvers (they keep 3/35); b (3 x 3/35)
    # and c (2 x 2/7) can no longer be paid for: the completion by sequential Phragmén starts from loads
    # -3/35 and -2/7: b would reach (1 - 9/35) / 3 = 26/105, c (1 - 4/7) / 2 = 3/14: c.
    result = committees.equal_shares([({"a", "b"}, 3), ({"a"}, 2), ({"c"}, 2)], ["a", "b", "c"], 2)
    assert result["winners"] == ["a", "c"] and result["order"] == ["a", "c", "b"]
    first, second, _ = result["rounds"]
    assert first == {"round": 1, "phase": "equal-shares", "elected": "a", "cost": 0.2, "tied": ["a"],
                     "substitute": False}
    assert second["phase"] == "seq-phragmen" and second["max_load"] == round(3 / 14, 6)


def test_candidates_nobody_approves_come_last_and_blank_ballots_count_as_ballots():
    result = committees.seq_phragmen([({1}, 4), ({2}, 1), (set(), 3)], [1, 2, 3], 2)
    assert result["winners"] == [1, 2] and result["order"] == [1, 2, 3]
    assert result["ballots"] == 8 and result["blank"] == 3


@pytest.mark.parametrize("count", [committees.seq_phragmen, committees.equal_shares])
def test_without_an_approval_nobody_is_elected(count):
    result = count([(set(), 4)], [1, 2, 3], 2)
    assert result["winners"] == [] and sorted(result["order"]) == [1, 2, 3] and result["blank"] == 4
    assert count([], [1, 2], 1)["winners"] == []


def test_ties_are_drawn_from_the_published_seed():
    ballots = [({1}, 2), ({2}, 2), ({3}, 1)]
    for seed in ("published seed", "another"):
        result = committees.seq_phragmen(ballots, [1, 2, 3], 1, tie_seed=seed)
        note = result["tie_breaks"][0]
        assert note["rule"] == "lot" and note["tied"] == [1, 2] and note["stage"] == 1
        assert result["winners"] == [ties.draw([1, 2], seed, 1)[0]]
        assert committees.seq_phragmen(ballots, [1, 2, 3], 1, tie_seed=seed) == result
    winners = {committees.equal_shares(ballots, [1, 2, 3], 1, tie_seed=f"s{i}")["winners"][0]
               for i in range(20)}
    assert winners == {1, 2}
