"""The Scottish STV count: a published example, the rules' details, ties drawn from the seed, and the same
elected candidates as votekit's STV on thousands of random profiles."""

from __future__ import annotations

import hashlib
import random
from fractions import Fraction

import pytest

from consult.votes.counting import stv, ties

PROFILES = 2000


@pytest.fixture
def counting_methods():
    """The count is pure Python: no application (this overrides the package's application fixture)."""


def random_profile(rng: random.Random):
    """3–15 candidates, 1–6 seats, 5–400 ballot groups of weight 1–60 (partial rankings of any length, by a
    Plackett–Luce draw with random strengths). Every candidate is first on at least one ballot, so that no
    two candidates tie at zero votes (an exclusion tie that decides nothing, but is a tie)."""
    n = rng.randint(3, 15)
    seats = rng.randint(1, min(6, n - 1))
    candidates = list(range(1, n + 1))
    strength = {c: rng.random() + 0.05 for c in candidates}
    groups: dict = {}
    for b in range(rng.randint(5, 400) + n):
        pool = list(candidates)
        ranking = []
        length = rng.randint(1, n)
        if b < n:
            ranking.append(pool.pop(b))
        while len(ranking) < length:
            i = rng.choices(range(len(pool)), weights=[strength[c] for c in pool])[0]
            ranking.append(pool.pop(i))
        groups[tuple(ranking)] = groups.get(tuple(ranking), 0) + rng.randint(1, 60)
    return candidates, seats, list(groups.items())


def surpluses_overlap(result) -> bool:
    """Whether a candidate was elected by the transfer of a surplus while another surplus was still waiting:
    the Scottish rules transfer surpluses one at a time, largest first (the newly elected candidate takes no
    more papers), where votekit transfers the surpluses of one round together — the one case in which the
    two rule sets may elect differently without any tie."""
    quota = result["quota"]
    waiting: set = set()
    for row in result["rounds"]:
        if row["action"] == "surplus":
            waiting.discard(row["candidate"])
            if row.get("elected") and waiting:
                return True
        for c in row.get("elected", []):
            if row["votes"][str(c)] > quota:
                waiting.add(c)
    return False


def votekit_elected(candidates, seats, groups, *, exact=False):
    """votekit's STV (Droop quota, fractional transfers of whole surpluses): the elected set, and whether it
    had to break a tie."""
    from votekit.ballot import RankBallot
    from votekit.elections import STV, FastSTV
    from votekit.pref_profile import RankProfile

    ballots = [RankBallot(ranking=tuple(frozenset({str(c)}) for c in ranking), weight=weight)
               for ranking, weight in groups]
    profile = RankProfile(ballots=ballots, candidates=tuple(str(c) for c in candidates))
    if exact:
        election = STV(profile, n_seats=seats, simultaneous=True, exact=True)
    else:
        election = FastSTV(profile, n_seats=seats, simultaneous=True)
    tied = any(state.tiebreaks for state in election.election_states)
    return {int(c) for group in election.get_elected() for c in group}, tied


def compare(profiles, *, exact_votekit=False):
    stats = {"same": 0, "tie": 0, "truncation": 0, "rules": 0, "different": []}
    for candidates, seats, groups in profiles:
        mine = stv.count(groups, candidates, seats)
        exact = stv.count(groups, candidates, seats, exact=True)
        if mine["tie_breaks"] or exact["tie_breaks"]:
            stats["tie"] += 1
            continue
        if set(mine["winners"]) != set(exact["winners"]):
            stats["truncation"] += 1
            continue
        try:
            theirs, tied = votekit_elected(candidates, seats, groups, exact=exact_votekit)
        except ValueError:  # votekit refuses to break a tie among winners
            stats["tie"] += 1
            continue
        if tied:
            stats["tie"] += 1
        elif theirs == set(mine["winners"]):
            stats["same"] += 1
        elif surpluses_overlap(exact):
            stats["rules"] += 1
        else:
            stats["different"].append((candidates, seats, groups, mine["winners"], sorted(theirs)))
    return stats


def test_the_same_elected_as_votekit_on_random_profiles():
    pytest.importorskip("votekit")
    rng = random.Random(20261207)
    stats = compare([random_profile(rng) for _ in range(PROFILES)])
    assert stats["different"] == []
    skipped = stats["tie"] + stats["truncation"]
    assert stats["same"] + skipped + stats["rules"] == PROFILES
    assert skipped < PROFILES * 0.05, stats
    # the rule sets differ (surpluses transferred one by one, or a round's together) in a few profiles only
    assert stats["rules"] < PROFILES * 0.01, stats


def test_the_same_elected_as_votekit_counting_in_exact_fractions():
    """votekit's exact mode (fractions, no floating point) on a smaller sample: it is much slower."""
    pytest.importorskip("votekit")
    rng = random.Random(7)
    profiles = []
    while len(profiles) < 30:
        candidates, seats, groups = random_profile(rng)
        if len(groups) <= 120:
            profiles.append((candidates, seats, groups))
    stats = compare(profiles, exact_votekit=True)
    assert stats["different"] == []
    assert stats["same"] >= 25, stats


def test_a_published_example_the_food_election():
    """The worked example of the Wikipedia article "Single transferable vote" (20 voters, 3 seats, Droop quota
    6): Chocolate is elected on first preferences, its surplus of 6 passes at 0.5 (Strawberries 5,
    Hamburgers 3), Pears is excluded and Oranges reaches the quota, Hamburgers is excluded and Strawberries,
    the last continuing candidate, takes the last seat."""
    oranges, pears, chocolate, strawberries, hamburgers = 1, 2, 3, 4, 5
    ballots = [((oranges,), 4), ((pears, oranges), 2), ((chocolate, strawberries), 8),
               ((chocolate, hamburgers), 4), ((strawberries,), 1), ((hamburgers,), 1)]
    result = stv.count(ballots, [1, 2, 3, 4, 5], 3)
    assert result["quota"] == 6
    assert result["winners"] == [chocolate, oranges, strawberries]
    assert result["order"] == [chocolate, oranges, strawberries, hamburgers, pears]
    first, surplus, pears_out, hamburgers_out = result["rounds"]
    assert first["votes"] == {"1": 4, "2": 2, "3": 12, "4": 1, "5": 1} and first["elected"] == [chocolate]
    assert surplus["action"] == "surplus" and surplus["transfer_values"] == [0.5]
    assert surplus["transfers"] == {"3": -6, "4": 4, "5": 2}
    assert pears_out["candidate"] == pears and pears_out["elected"] == [oranges]
    assert hamburgers_out["candidate"] == hamburgers and hamburgers_out["non_transferable"] == 3
    assert hamburgers_out["elected_without_quota"] == [strawberries]
    assert result["exhausted"] == 3 and result["tie_breaks"] == []


def test_transfer_values_are_truncated_at_five_decimal_places():
    # 15 papers, 2 seats, quota 6: A's surplus of 1 passes on 7 papers at 1/7 = 0.142857... cut to 0.14285,
    # so B gets 7 x 0.14285 = 0.99995 and 0.00005 is lost to fractions
    ballots = [(("A", "B"), 7), (("C",), 3), (("B",), 2), (("D",), 3)]
    result = stv.count(ballots, ["A", "B", "C", "D"], 2)
    assert result["quota"] == 6
    surplus = result["rounds"][1]
    assert surplus["candidate"] == "A" and surplus["transfer_values"] == [0.14285]
    assert surplus["transfers"]["B"] == pytest.approx(0.99995)
    assert result["rounds"][1]["fractions"] == pytest.approx(0.00005)
    exact = stv.count(ballots, ["A", "B", "C", "D"], 2, exact=True)
    assert exact["rounds"][1]["fractions"] == 0


def test_inclusive_gregory_transfers_every_paper_at_its_own_value():
    # 24 papers, 2 seats, quota 9: A's surplus of 3 passes on its 12 papers at 0.25 each (3 votes to B)
    ballots = [(("A", "B", "C"), 12), (("B", "D"), 3), (("C",), 5), (("D",), 4)]
    result = stv.count(ballots, ["A", "B", "C", "D"], 2)
    assert result["quota"] == 9
    second = result["rounds"][1]
    assert second["candidate"] == "A" and second["transfers"]["B"] == 3
    # B has 6: no one else reaches the quota; D (4) is excluded and its papers have no further preference
    assert result["rounds"][2]["action"] == "exclude" and result["rounds"][2]["candidate"] == "D"
    assert result["winners"][0] == "A"


def test_withdrawn_candidates_are_skipped_and_papers_only_for_them_are_not_valid():
    ballots = [((1, 2), 3), ((2,), 2), ((3,), 4), ((2, 3), 1)]
    result = stv.count(ballots, [1, 2, 3], 1, withdrawn=[2])
    assert result["valid"] == 8 and result["invalid"] == 2
    assert result["counts"] == {"1": 3, "3": 5}
    assert result["winners"] == [3] and result["order"] == [3, 1] and result["withdrawn"] == [2]


def test_without_a_valid_paper_nobody_is_elected():
    result = stv.count([((9,), 3)], [1, 2, 3], 2, tie_seed="s")
    assert result["winners"] == [] and result["invalid"] == 3 and sorted(result["order"]) == [1, 2, 3]
    assert stv.count([], [1, 2], 1)["winners"] == []


def test_fewer_candidates_than_seats_are_all_elected():
    result = stv.count([((1,), 1)], [1, 2], 3)
    assert result["winners"] == [1, 2] and result["order"] == [1, 2]


def test_the_lot_is_drawn_from_the_published_seed_and_anyone_can_redraw_it():
    # A and B tie at 3 at stage 1 with no earlier stage: the lot decides who is excluded
    ballots = [(("A",), 3), (("B",), 3), (("C",), 5)]
    for seed in ("2026-12-07 lottery 17 42 8", "another seed", ""):
        result = stv.count(ballots, ["A", "B", "C"], 1, tie_seed=seed)
        (note,) = [n for n in result["tie_breaks"] if n["purpose"] == "exclude"]
        keys = {c: hashlib.sha256(f"{seed}:2:{c}".encode()).hexdigest() for c in ("A", "B")}
        drawn = min(keys, key=keys.get)
        assert note == {"stage": 2, "purpose": "exclude", "tied": ["A", "B"], "rule": "lot", "chosen": drawn,
                        "drawn_among": ["A", "B"], "keys": keys}
        assert result["excluded"][0] == drawn
        assert stv.count(ballots, ["A", "B", "C"], 1, tie_seed=seed) == result
    outcomes = {stv.count(ballots, ["A", "B", "C"], 1, tie_seed=f"seed {i}")["excluded"][0]
                for i in range(20)}
    assert outcomes == {"A", "B"}


def test_an_earlier_stage_breaks_a_tie_before_the_lot():
    # stage 1: A 6, B 4, C 3, D 3, E 1, F 1 (19 papers, 2 seats, quota 7). E and F tie with no earlier stage:
    # the lot excludes one, then the other; E's paper gives D 4. C (3) is excluded next. Then B and D tie at
    # 4, but at stage 1 D had 3 and B 4: the earlier stage rule excludes D, not the lot.
    ballots = [(("A",), 6), (("B",), 4), (("C",), 3), (("D",), 3), (("E", "D"), 1), (("F",), 1)]
    result = stv.count(ballots, ["A", "B", "C", "D", "E", "F"], 2, tie_seed="s")
    # stage 2: E (1) and F (1) tie with no earlier difference -> lot; whichever goes first, then the other
    notes = result["tie_breaks"]
    assert notes[0]["rule"] == "lot" and notes[0]["tied"] == ["E", "F"]
    # after E's paper moves, D has 4 = B's 4 (D had 3 < 4 at an earlier stage): C (3) goes first anyway;
    # later B and D tie at 4 and D, lower at the earlier stage, is excluded by the earlier stage rule
    earlier = [n for n in notes if n["rule"] == "earlier_stage"]
    assert earlier and earlier[0]["purpose"] == "exclude" and earlier[0]["chosen"] == "D"
    assert "D" in result["excluded"]


def test_ties_choose_by_the_most_recent_stage_where_they_differ():
    history = [{"a": 5, "b": 3, "c": 5}, {"a": 4, "b": 6, "c": 5}, {"a": 7, "b": 7, "c": 7}]
    notes: list = []
    assert ties.choose(["a", "b", "c"], highest=False, history=history, seed="x", stage=4, purpose="exclude",
                       notes=notes) == "a"
    assert notes[0]["earlier_stages"] == [2]
    assert ties.choose(["a", "c"], highest=True, history=history, seed="x", stage=4, purpose="surplus") == "c"
    # equal at every stage: the lot
    assert ties.choose(["a", "c"], highest=True, history=[{"a": 1, "c": 1}], seed="x", stage=2,
                       purpose="surplus") == ties.draw(["a", "c"], "x", 2)[0]


def test_exact_and_truncated_counts_agree_when_no_value_is_cut():
    ballots = [((1, 2), 8), ((2, 3), 4), ((3,), 4), ((4, 1), 4)]
    truncated = stv.count(ballots, [1, 2, 3, 4], 2)
    exact = stv.count(ballots, [1, 2, 3, 4], 2, exact=True)
    assert truncated["winners"] == exact["winners"]
    assert [r["votes"] for r in truncated["rounds"]] == [r["votes"] for r in exact["rounds"]]
    assert exact["rounds"][1]["transfer_values"] == [float(Fraction(1, 8))]
    assert truncated["rounds"][1]["transfer_values"] == [0.125]


def test_a_hundred_thousand_papers_count_by_moving_only_the_papers_transferred():
    rng = random.Random(5)
    candidates = list(range(1, 41))
    strength = {c: rng.random() ** 2 + 0.02 for c in candidates}
    groups: dict = {}
    for _ in range(100_000):
        pool = list(candidates)
        ranking = []
        for _ in range(rng.randint(1, 15)):
            i = rng.choices(range(len(pool)), weights=[strength[c] for c in pool])[0]
            ranking.append(pool.pop(i))
        groups[tuple(ranking)] = groups.get(tuple(ranking), 0) + 1
    result = stv.count(list(groups.items()), candidates, 12, tie_seed="bench")
    assert len(result["winners"]) == 12 and sorted(result["order"]) == candidates
    assert result["valid"] == 100_000 and result["quota"] == 100_000 // 13 + 1
    last = result["rounds"][-1]
    total = sum(last["votes"].values()) + last["exhausted"] + last["fractions"]
    assert total == pytest.approx(100_000, abs=1e-3)
