"""Quorum and majority arithmetic, with ties and abstentions."""

import pytest

from consult.meetings.rules import quorum_required, verdict


@pytest.mark.parametrize(("members", "percent", "needed"), [
    (10, 50, 6), (9, 50, 5), (5, 50, 3), (6, 50, 4), (3, 100, 3), (4, 0, 1), (0, 50, 1), (10, 33, 4),
])
def test_quorum_is_more_than_the_share(members, percent, needed):
    assert quorum_required(members, percent) == needed


def v(rule, yes, no, abstain=0, members=10, present=10, required=6):
    return verdict(rule, yes=yes, no=no, abstain=abstain, members=members, present=present, required=required)


def test_no_quorum_wins_over_any_tally():
    assert v("simple", 5, 0, present=5, required=6) == "no_quorum"
    assert v("unanimity", 5, 0, present=6, required=6) == "adopted"


def test_simple_majority_of_votes_cast_tie_rejects_abstentions_ignored():
    assert v("simple", 4, 3, abstain=3) == "adopted"
    assert v("simple", 3, 3, abstain=4) == "rejected"
    assert v("simple", 1, 0, abstain=9) == "adopted"
    assert v("simple", 0, 0, abstain=10) == "rejected"


def test_absolute_majority_counts_all_members():
    assert v("absolute", 5, 0, abstain=5, members=10) == "rejected"  # half is not more than half
    assert v("absolute", 6, 4, members=10) == "adopted"
    assert v("absolute", 5, 1, members=9, present=6, required=5) == "adopted"


def test_two_thirds_of_votes_cast():
    assert v("two_thirds", 6, 3) == "adopted"  # exactly two-thirds
    assert v("two_thirds", 5, 3) == "rejected"
    assert v("two_thirds", 2, 1, abstain=7) == "adopted"
    assert v("two_thirds", 0, 0, abstain=10) == "rejected"


def test_unanimity_one_no_is_enough_to_reject_abstentions_do_not():
    assert v("unanimity", 9, 1) == "rejected"
    assert v("unanimity", 7, 0, abstain=3) == "adopted"
    assert v("unanimity", 0, 0, abstain=10) == "rejected"


def test_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        v("plurality", 1, 0)


@pytest.mark.parametrize(("members", "percent", "needed"), [
    (9, 50, 5),    # 4.5 rounds up
    (10, 50, 5),   # exactly half is enough (more than half would need 6)
    (9, 34, 4),    # 3.06 rounds up
    (9, 33, 3),    # 2.97 rounds up
    (3, 100, 3), (10, 1, 1), (4, 0, 1), (0, 50, 1), (1, 50, 1), (7, 60, 5),
])
def test_quorum_by_share_is_at_least_the_share_rounded_up(members, percent, needed):
    assert quorum_required(members, percent, "share") == needed


def test_quorum_by_number_is_that_number_whatever_the_members():
    assert quorum_required(9, 50, "number", 5) == 5
    assert quorum_required(3, 50, "number", 5) == 5  # fewer voting members than the number: never reached
    assert quorum_required(0, 50, "number", 2) == 2
    assert quorum_required(9, 50, "over_share", 2) == 5  # the number counts only under its rule
