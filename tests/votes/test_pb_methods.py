"""The participatory-budgeting methods (pb_knapsack, pb_approval, pb_cumulative): their ballots, their tally
under both rules (the contract BUDGETS and the results pages read), the knapsack's server check that keeps
the choices, paper ballots typed whole, and the results partial (both rules, reasons, chart and table)."""

from __future__ import annotations

import html

import pytest

from consult.extensions import db
from consult.votes import methods
from consult.votes import services as votes
from consult.votes.casting import choice_summary
from consult.votes.methods import BallotError, Spec
from consult.votes.models import Poll
from consult.votes.owners import _owners, register_owner
from consult.votes.paper_counts import takes_paper_ballots
from tests.helpers import text_of

SPEC = Spec(option_ids=(1, 2, 3), costs={1: 60, 2: 50, 3: 40}, budget_limit=100, pb_rule="equal_shares")


def test_the_methods_are_registered_and_count_several_winners():
    for name in ("pb_knapsack", "pb_approval", "pb_cumulative"):
        method = methods.get(name)
        assert method.elects_several and not method.paper
        assert method.template("results").endswith(f"{name}/_results.html")


def test_a_knapsack_ballot_must_fit_in_the_budget():
    knapsack = methods.get("pb_knapsack")
    assert knapsack.validate(["3", "1"], SPEC) == [1, 3]
    with pytest.raises(BallotError) as refused:
        knapsack.validate(["1", "2"], SPEC)
    assert "110" in str(refused.value.message) and "100" in str(refused.value.message)
    with pytest.raises(BallotError):
        knapsack.validate([], SPEC)
    with pytest.raises(BallotError):
        knapsack.validate(["9"], SPEC)


def test_approval_and_cumulative_ballots():
    approval = methods.get("pb_approval")
    assert approval.validate(["1", "2", "3"], SPEC) == [1, 2, 3]  # approval may go over the budget
    with pytest.raises(BallotError):
        approval.validate(["1", "2"], Spec(option_ids=(1, 2), max_choices=1))
    cumulative = methods.get("pb_cumulative")
    spec = Spec(option_ids=(1, 2, 3), costs=SPEC.costs, budget_limit=100, points_budget=5)
    raw = cumulative.parse_form({"pb_cumulative-1": "3", "pb_cumulative-3": "2"}, spec)
    assert cumulative.validate(raw, spec) == {"1": 3, "3": 2}
    with pytest.raises(BallotError):
        cumulative.validate({"1": 4, "2": 2}, spec)


def test_the_tally_holds_both_rules_and_the_budget_rule_decides():
    groups = [([1], 5), ([2], 4), ([3], 3)]
    tally = methods.get("pb_knapsack").tally(groups, SPEC)
    assert tally["ballots"] == 12 and tally["counts"] == {"1": 5, "2": 4, "3": 3}
    assert tally["rules"]["greedy"]["funded"] == [1, 3]
    assert tally["rules"]["greedy"]["reasons"]["2"]["code"] == "over_remaining_budget"
    assert tally["pb_rule"] == "equal_shares" and tally["winners"] == tally["rules"]["equal_shares"]["funded"]
    assert tally["budget_limit"] == 100 and tally["costs"] == {"1": 60, "2": 50, "3": 40}
    greedy = methods.get("pb_approval").tally(groups, Spec(**{**SPEC.__dict__, "pb_rule": "greedy"}))
    assert greedy["winners"] == [1, 3]
    points = methods.get("pb_cumulative").tally([({"1": 3, "3": 2}, 2), ({"2": 5}, 1)], SPEC)
    assert points["counts"] == {"1": 6, "2": 5, "3": 4}
    assert set(points["rules"]) == {"greedy", "equal_shares"}


@pytest.fixture
def budget_owner():
    def extras(poll):
        costs = dict(zip((o.id for o in poll.options), (60, 50, 40), strict=False))
        return {"costs": costs, "budget_limit": 100, "pb_rule": "greedy"}

    register_owner("pb-test", spec_extras=extras)
    yield
    _owners.pop("pb-test", None)


def _confirm(client, poll, form):
    return client.post_form(f"/polls/{poll.id}/confirm", form)


def test_knapsack_voting_without_javascript_refuses_over_budget_and_keeps_the_choices(
        client, make_user, make_poll, budget_owner):
    poll = make_poll("pb_knapsack", ("Park", "Library", "Benches"), owner_type="pb-test", owner_id=1)
    park, library, benches = (o.id for o in poll.options)
    make_user("ana", verified=True, birth_year=1990)
    client.sign_in("ana")
    body = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert 'data-pb-knapsack' in body and 'js/pb_ballot.js' in body and 'data-pb-cost="60"' in body
    assert "<script>" not in body and "fit in the budget of 100" in body
    assert "Your choices cost <output data-pb-sum>0</output> of 100." in body
    refused = _confirm(client, poll, {"option": [str(park), str(library)]})
    text = text_of(refused)
    assert "110" in text and "100" in text and "your other choices are kept" in text
    kept = refused.get_data(as_text=True)
    assert f'value="{park}" data-pb-cost="60" checked' in kept
    assert f'value="{library}" data-pb-cost="50" checked' in kept
    assert f'value="{benches}" data-pb-cost="40" checked' not in kept
    confirm = _confirm(client, poll, {"option": [str(park), str(benches)]})
    assert confirm.status_code == 200
    assert choice_summary(poll, [park, benches]) == ["Park", "Benches"]
    choice = confirm.get_data(as_text=True).split('name="choice" value="')[1].split('"')[0]
    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": html.unescape(choice)}).status_code == 303
    client.sign_out()
    for user, chosen in (("bo", [library]), ("cy", [library, benches])):
        votes.cast_ballot(db.session.get(Poll, poll.id), make_user(user, verified=True, birth_year=1990),
                          chosen)
    db.session.commit()
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    poll = db.session.get(Poll, poll.id)
    tally = poll.result["tally"]
    assert tally["counts"] == {str(park): 1, str(library): 2, str(benches): 2}
    assert tally["winners"] == tally["rules"]["greedy"]["funded"]
    results = client.get(f"/polls/{poll.id}")
    body = results.get_data(as_text=True)
    assert "Most votes first" in body and "Method of equal shares" in body and "<svg" in body
    assert "pb-results__table" in body and "decides this budget" in body
    assert "Not funded" in body or "Funded" in body


def test_budget_polls_take_whole_paper_ballots(make_poll, budget_owner):
    for name in ("pb_knapsack", "pb_approval", "pb_cumulative"):
        poll = make_poll(name, ("Park", "Library"), owner_type="pb-test", owner_id=2)
        assert takes_paper_ballots(poll)


def test_the_results_of_a_cumulative_budget_count_points(client, db, make_poll, make_user, budget_owner):
    """The results partial is the same for the three methods; the cumulative one names its figure points."""
    poll = make_poll("pb_cumulative", ("Park", "Library", "Benches"), owner_type="pb-test", owner_id=3,
                     points_budget=5)
    park, library, _benches = (o.id for o in poll.options)
    votes.cast_ballot(poll, make_user("po", verified=True, birth_year=1990), {str(park): 3, str(library): 2})
    db.session.commit()
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    body = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert '<th scope="col">Points</th>' in body and '<th scope="col">Votes</th>' not in body
    assert "3 points" in body or "points and fitted" in body
