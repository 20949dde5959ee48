"""Opening and closing a budget's vote: the poll it owns (secret, its method, the accepted projects as
options, the budget's rule), what the owner hooks give the counting methods, who may vote (residence,
district), and the close through the votes' own count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.budgets import projects as budget_projects
from consult.budgets import services as budgets
from consult.budgets import voting
from consult.budgets.models import COUNTED, VOTING
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.policy import policies
from consult.votes.casting import spec_for
from consult.votes.owners import owner_decision, owner_of
from tests.budgets.conftest import calendar


def test_opening_the_vote_makes_the_budgets_secret_poll(world, budget, reviewed, db, app):
    poll = voting.open_voting(budget, by=world.admin)
    assert budget.status == VOTING and budget.poll_id == poll.id
    assert (poll.method, poll.mode, poll.status, poll.owner_type, poll.owner_id) == (
        "pb_knapsack", "secret", "open", "budget", budget.id)
    assert poll.rule_id == budget.eligibility_rule_id and poll.closes_at == budget.voting_closes_at
    assert [(o.label, o.target_type, o.target_id) for o in poll.options] == [
        ("Language café", "budget_project", reviewed[0].id),
        ("Welcome desk", "budget_project", reviewed[1].id)]
    spec = spec_for(poll)
    assert spec.costs == {poll.options[0].id: 40_000, poll.options[1].id: 70_000}
    assert (spec.budget_limit, spec.pb_rule) == (100_000, "greedy")
    with app.test_request_context():
        assert owner_of(poll) == ("Welcome budget", f"/budgets/{budget.id}")
    assert owner_decision(poll, world.residents[0])
    with pytest.raises(Conflict):
        voting.open_voting(budget)
    with pytest.raises(NotAllowed):
        voting.open_voting(budget, by=world.admin)


def test_a_district_budgets_vote_is_for_its_residents(world, db):
    kalsa = world.districts["kalsa"]
    b = budgets.create_budget(world.process, by=world.admin, title="Kalsa", total=50_000, district=kalsa,
                              ballot_kind="approval", max_choices=1, rule="equal_shares", calendar=calendar())
    budgets.start_proposing(b, by=world.admin)
    made = [budget_projects.submit_project(b, world.residents[1], title=t, description="x", cost=10_000)
            for t in ("Benches", "Trees")]
    budgets.start_review(b, by=world.admin)
    for p in made:
        budget_projects.review_project(p, by=world.admin, accept=True)
    poll = voting.open_voting(b, by=world.admin)
    assert poll.method == "pb_approval" and poll.max_choices == 1
    spec = spec_for(poll)
    assert (spec.max_choices, spec.pb_rule, spec.budget_limit) == (1, "equal_shares", 50_000)
    assert policies.decide("budget.vote", world.residents[1], b)  # lives in Kalsa
    refused = owner_decision(poll, world.residents[0])  # lives in Centro
    assert not refused and "district" in str(refused.message)


def test_voting_opens_only_when_every_project_is_reviewed(world, budget, db):
    made = [budget_projects.submit_project(budget, world.residents[n], title=f"P{n}", description="x",
                                           cost=1_000) for n in range(3)]
    budgets.start_review(budget, by=world.admin)
    budget_projects.review_project(made[0], by=world.admin, accept=True)
    budget_projects.review_project(made[1], by=world.admin, accept=True)
    with pytest.raises(Conflict) as err:
        voting.open_voting(budget, by=world.admin)
    assert "1 still waiting" in str(err.value.message)
    budget_projects.review_project(made[2], by=world.admin, accept=False, reason="Duplicate.")
    budget.voting_closes_at = None
    with pytest.raises(DomainError) as err:
        voting.open_voting(budget, by=world.admin)
    assert err.value.field == "voting_closes_at"


def test_closing_counts_the_poll_once_and_marks_the_budget_counted(world, budget, reviewed, db):
    from consult.core.audit import AuditEntry

    poll = voting.open_voting(budget, by=world.admin)
    voting.close_voting(budget, by=world.admin)
    assert budget.status == COUNTED and budget.counted_at is not None
    assert poll.status == "closed" and poll.result is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budgets.voting_closed"))
    assert entry.details["early"] is True
    with pytest.raises(Conflict):
        voting.close_voting(budget)
    with pytest.raises(NotAllowed):
        voting.close_voting(budget, by=world.admin)
    assert not policies.decide("budget.vote", world.residents[0], budget)


def test_the_budget_page_links_to_the_ballot_page(client, world, budget, reviewed, db):
    poll = voting.open_voting(budget, by=world.admin)
    db.session.commit()
    page = client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    assert f"/polls/{poll.id}" in page
    client.sign_in("organiser")
    assert client.post_form(f"/budgets/{budget.id}/close-voting").status_code == 303
    db.session.refresh(budget)
    assert budget.status == COUNTED


def test_voting_on_the_ballot_page_and_the_count_funds_within_the_budget(client, world, budget, reviewed, db):
    """Without JavaScript: a knapsack over the budget is refused with a clear message and the choices kept;
    a ballot within it is counted at close under both rules."""
    poll = voting.open_voting(budget, by=world.admin)
    assert poll.tie_seed
    db.session.commit()
    cafe, desk = (o.id for o in poll.options)  # 40,000 and 70,000 for a budget of 100,000
    for n, choice in enumerate(([cafe, desk], [cafe], [desk], [cafe])):
        client.sign_in(world.residents[n].username)
        page = client.post_form(f"/polls/{poll.id}/confirm", {"option": [str(o) for o in choice]})
        if len(choice) == 2:
            assert page.status_code == 422
            text = page.get_data(as_text=True)
            assert "more than the budget" in text and "checked" in text
            page = client.post_form(f"/polls/{poll.id}/confirm", {"option": [str(cafe)]})
        assert page.status_code == 200
        token = page.get_data(as_text=True).split('name="choice" value="')[1].split('"')[0]
        cast = client.post_form(f"/polls/{poll.id}/vote", {"choice": token.replace("&#34;", '"')})
        assert cast.status_code == 303
        client.sign_out()
    voting.close_voting(budget, by=world.admin)
    tally = poll.result["tally"]
    assert tally["ballots"] == 4 and tally["costs"] == {str(cafe): 40_000, str(desk): 70_000}
    assert tally["rules"]["greedy"]["funded"] == tally["rules"]["equal_shares"]["funded"] == [cafe]
    assert tally["rules"]["greedy"]["reasons"][str(desk)]["code"] == "over_remaining_budget"
    from consult.core.audit import AuditEntry

    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budgets.voting_closed"))
    assert entry.details["ballots"] == 4


def test_the_console_leads_to_the_paper_ballots_of_the_city_offices(client, world, budget, reviewed, db):
    poll = voting.open_voting(budget, by=world.admin)
    db.session.commit()
    client.sign_in("organiser")
    page = client.get(f"/budgets/{budget.id}/manage").get_data(as_text=True)
    assert f"/polls/{poll.id}/paper-ballots" in page
    assert client.get(f"/polls/{poll.id}/paper-ballots").status_code == 200
