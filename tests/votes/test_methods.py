"""Each voting method against worked examples, plus property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consult.votes import methods
from consult.votes.methods import BallotError, Spec

ABC = Spec(option_ids=(1, 2, 3))


def tally(name, ballots, spec=ABC):
    return methods.get(name).tally([(b, 1) for b in ballots], spec)


def test_single_choice_counts_and_tie(app):
    with app.test_request_context():
        r = tally("single", [1, 1, 2, 3])
        assert r["counts"] == {"1": 2, "2": 1, "3": 1} and r["winners"] == [1]
        assert tally("single", [1, 2])["winners"] == [1, 2]
        assert tally("single", [])["winners"] == []


def test_single_choice_refuses_unknown_and_several(app):
    m = methods.get("single")
    with app.test_request_context():
        for bad in ("9", "x", "", None, ["1", "2"]):
            with pytest.raises(BallotError):
                m.validate(bad, ABC)
        assert m.validate("2", ABC) == 2


def test_yes_no_abstain_accepts_codes():
    spec = Spec(option_ids=(10, 11, 12), codes={10: "yes", 11: "no", 12: "abstain"})
    m = methods.get("yes_no_abstain")
    assert m.validate("no", spec) == 11
    r = m.tally([(10, 3), (11, 3), (12, 5)], spec)
    assert (r["yes"], r["no"], r["abstain"]) == (3, 3, 5)
    assert r["winners"] == [10, 11]  # a tie between yes and no; abstentions never decide


def test_approval_limits(app):
    spec = Spec(option_ids=(1, 2, 3), max_choices=2)
    m = methods.get("approval")
    with app.test_request_context():
        assert m.validate(["3", "1"], spec) == [1, 3]
        with pytest.raises(BallotError, match="at most 2"):
            m.validate(["1", "2", "3"], spec)
        with pytest.raises(BallotError):
            m.validate(["1", "1"], spec)
        with pytest.raises(BallotError):
            m.validate([], spec)


def test_irv_worked_example_with_exhausted_ballots():
    # 10 voters: A first 4, B first 3 (then C), C first 2 (then B), D first 1 (no further choice)
    ballots = [[1]] * 4 + [[2, 3]] * 3 + [[3, 2]] * 2 + [[4]]
    spec = Spec(option_ids=(1, 2, 3, 4))
    r = tally("ranked_irv", ballots, spec)
    rounds = r["rounds"]
    assert rounds[0]["counts"] == {"1": 4, "2": 3, "3": 2, "4": 1}
    assert rounds[0]["eliminated"] == [4]
    assert rounds[1]["exhausted"] == 1 and rounds[1]["continuing"] == 9
    assert rounds[1]["eliminated"] == [3]
    assert rounds[2]["counts"] == {"1": 4, "2": 5}
    assert r["winners"] == [2]  # 5 of 9 continuing ballots: a majority although A led at first


def test_irv_tie_for_last_uses_earlier_rounds_then_ballot_order():
    spec = Spec(option_ids=(1, 2, 3))
    r = tally("ranked_irv", [[1]] * 3 + [[2]] * 2 + [[3]] * 2, spec)
    assert r["rounds"][0]["eliminated"] == [3]  # 2 and 3 tie: the one listed later goes
    assert r["winners"] == [1]


def test_irv_final_tie_names_both():
    r = tally("ranked_irv", [[1], [2]], Spec(option_ids=(1, 2)))
    assert r["winners"] == [1, 2]


def test_ranked_refuses_duplicate_ranks(app):
    m = methods.get("ranked_irv")
    with app.test_request_context():
        with pytest.raises(BallotError, match="same rank"):
            m.validate({"1": "1", "2": "1"}, ABC)
        with pytest.raises(BallotError):
            m.validate({"1": "7"}, ABC)
        with pytest.raises(BallotError):
            m.validate({"1": "", "2": ""}, ABC)
        assert m.validate({"1": "2", "2": "", "3": "1"}, ABC) == [3, 1]


def test_schulze_wikipedia_example():
    # the classic example: 45 voters, 5 candidates A..E; Schulze winner is E
    a, b, c, d, e = 1, 2, 3, 4, 5
    groups = [([a, c, b, e, d], 5), ([a, d, e, c, b], 5), ([b, e, d, a, c], 8), ([c, a, b, e, d], 3),
              ([c, a, e, b, d], 7), ([c, b, a, d, e], 2), ([d, c, e, b, a], 7), ([e, b, a, d, c], 8)]
    r = methods.get("schulze").tally(groups, Spec(option_ids=(a, b, c, d, e)))
    assert r["pairwise"]["1"]["2"] == 20 and r["pairwise"]["2"]["1"] == 25
    assert r["winners"] == [e]
    assert r["ranking"] == [e, a, c, b, d]


def test_schulze_tie_and_unranked_below_ranked():
    r = tally("schulze", [[1], [2]], Spec(option_ids=(1, 2, 3)))
    assert r["pairwise"]["1"]["3"] == 1 and r["pairwise"]["3"]["1"] == 0
    assert sorted(r["winners"]) == [1, 2]


def test_score_average_and_distribution(app):
    m = methods.get("score")
    with app.test_request_context():
        b1 = m.validate({"1": "5", "2": "0", "3": ""}, ABC)
        b2 = m.validate({"1": "3", "2": "4"}, ABC)
        with pytest.raises(BallotError):
            m.validate({"1": "6"}, ABC)
        with pytest.raises(BallotError):
            m.validate({"1": "a"}, ABC)
    r = m.tally([(b1, 1), (b2, 1)], ABC)
    assert r["averages"] == {"1": 4.0, "2": 2.0, "3": 0.0}
    assert r["distribution"]["1"] == [0, 0, 0, 1, 0, 1]
    assert r["winners"] == [1]


def test_points_budget(app):
    spec = Spec(option_ids=(1, 2, 3), points_budget=10)
    m = methods.get("points")
    with app.test_request_context():
        assert m.validate({"1": "7", "2": "3", "3": ""}, spec) == {"1": 7, "2": 3}
        with pytest.raises(BallotError, match="only 10"):
            m.validate({"1": "8", "2": "3"}, spec)
        with pytest.raises(BallotError):
            m.validate({"1": "-1", "2": "3"}, spec)
        with pytest.raises(BallotError):
            m.validate({"1": "0"}, spec)
        with pytest.raises(BallotError):
            m.validate({"9": "1"}, spec)
    assert m.tally([({"1": 7, "2": 3}, 2), ({"2": 10}, 1)], spec)["counts"] == {"1": 14, "2": 16, "3": 0}


OPTIONS = (1, 2, 3, 4, 5)
approval_ballots = st.lists(st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True), max_size=60)
ranked_ballots = st.lists(st.permutations(OPTIONS).flatmap(lambda p: st.integers(1, 5).map(lambda n: p[:n])),
                          min_size=1, max_size=60)


@given(approval_ballots)
def test_property_approval_tally_equals_per_option_counts(ballots):
    r = methods.get("approval").tally([(sorted(b), 1) for b in ballots], Spec(option_ids=OPTIONS))
    for oid in OPTIONS:
        assert r["counts"][str(oid)] == sum(1 for b in ballots if oid in b)
    assert r["ballots"] == len(ballots)


@given(ranked_ballots)
def test_property_irv_winner_has_majority_of_continuing_ballots(ballots):
    r = methods.get("ranked_irv").tally([(list(b), 1) for b in ballots], Spec(option_ids=OPTIONS))
    last = r["rounds"][-1]
    if len(r["winners"]) == 1:
        (winner,) = r["winners"]
        assert last["counts"][str(winner)] * 2 > last["continuing"]
    else:  # a tie of the last two options
        assert len(r["winners"]) == 2
        assert len({last["counts"][str(w)] for w in r["winners"]}) == 1
    assert last["continuing"] + last["exhausted"] == len(ballots)


@given(ranked_ballots)
def test_property_grouped_tally_equals_one_by_one(ballots):
    from collections import Counter

    grouped = Counter(tuple(b) for b in ballots)
    for name in ("ranked_irv", "schulze"):
        m = methods.get(name)
        one = m.tally([(list(b), 1) for b in ballots], Spec(option_ids=OPTIONS))
        many = m.tally([(list(b), n) for b, n in grouped.items()], Spec(option_ids=OPTIONS))
        assert one["winners"] == many["winners"]
