"""The demo's welcome budget: €500,000 across four districts, 30 projects on the ballot (each placed inside
its district) and two set aside with their reasons, 2,400 secret ballots, counted under both rules and
published under the method of equal shares, the funded projects become outcomes with actions; fast."""

from __future__ import annotations

import time

import sqlalchemy as sa

from consult.budgets import results
from consult.budgets.models import Budget, BudgetProject
from consult.geo.geometry import contains
from consult.outcomes.models import Outcome
from consult.votes.models import Ballot, Participation


def test_the_welcome_budget_is_voted_counted_and_published(db):
    from consult.demo import _accounts, budgets, geo, processes, proposals, residency

    _accounts()
    for step in (residency, processes, proposals, geo):
        step.load()
    started = time.perf_counter()
    budgets.load()
    seconds = time.perf_counter() - started
    db.session.commit()
    budget = db.session.scalar(sa.select(Budget).where(Budget.title == budgets.TITLE))
    assert budget.status == "closed" and budget.total == 500_000 and budget.rule == "equal_shares"
    assert budget.voting_closes_at.year == 2025 and budget.closed_at.year == 2025
    projects = db.session.scalars(sa.select(BudgetProject).where(BudgetProject.budget_id == budget.id)).all()
    on_ballot = [p for p in projects if p.status in ("funded", "not_funded")]
    assert len(on_ballot) == 30 and sum(p.status == "set_aside" for p in projects) == 2
    assert all(p.review_reason for p in projects if p.status == "set_aside")
    assert len({p.district_id for p in on_ballot}) == 4
    assert all(p.latitude is not None and contains(p.district.geometry, p.latitude, p.longitude)
               for p in on_ballot)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                             .where(Ballot.poll_id == budget.poll_id)) == budgets.VOTERS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == budget.poll_id)) == budgets.VOTERS
    found = results.compute(budget)
    funded = found.funded("equal_shares")
    assert funded and found.totals["equal_shares"]["spent"] <= 500_000
    assert {r.project.id for r in funded} == {p.id for p in on_ballot if p.status == "funded"}
    assert found.funded("greedy") and found.totals["greedy"]["spent"] <= 500_000
    outcomes = db.session.scalars(sa.select(Outcome).where(Outcome.source_type == "budget_project")).all()
    assert len(outcomes) == len(funded) and all(len(o.actions) == 3 for o in outcomes)
    assert any(o.actions[0].status == "done" for o in outcomes)
    assert all(p.outcome_id for p in on_ballot if p.status == "funded")
    assert seconds < 10, seconds
