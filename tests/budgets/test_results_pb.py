"""The pabulib file of a published budget: its projects, the selected ones and the anonymous ballots."""

from __future__ import annotations

import sqlalchemy as sa

from consult.budgets import results
from consult.budgets.models import BudgetProject
from consult.extensions import db
from tests.budgets.results_helpers import GREEDY, counted_budget


def _projects(budget):
    return {p.title: p for p in db.session.scalars(sa.select(BudgetProject)
                                                   .where(BudgetProject.budget_id == budget.id))}


def test_pabulib_file_of_the_published_budget(client, db, make_user):
    admin = make_user(roles=("admin",))
    budget = counted_budget(admin)
    results.publish_results(budget, by=admin)
    db.session.commit()
    answer = client.get(f"/budgets/{budget.id}/ballots.pb")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    from consult.budgets import pabulib

    parsed = pabulib.load(text)
    assert len(parsed.votes) == 29
    assert int(parsed.meta["budget"]) == 1000
    projects = _projects(budget)
    selected = {pid for pid, row in parsed.projects.items() if str(row.get("selected")) == "1"}
    assert selected == {str(projects[t].id) for t in GREEDY}


def test_the_pb_file_counts_again_to_the_same_result_under_both_rules(client, db, make_user):
    """What a researcher does with the file: count it with the same rules and find what the results page
    shows (project ids in the file are the projects' ids)."""
    from consult.budgets import pabulib
    from consult.votes.counting import budgets as counting

    admin = make_user(roles=("admin",))
    budget = counted_budget(admin, rule="equal_shares")
    results.publish_results(budget, by=admin)
    db.session.commit()
    parsed = pabulib.load(client.get(f"/budgets/{budget.id}/ballots.pb").get_data(as_text=True))
    assert parsed.meta["rule"] == "equalshares/add1" and parsed.meta["vote_type"] == "approval"
    groups, points = pabulib.ballots(parsed)
    costs = {pid: int(row["cost"]) for pid, row in parsed.projects.items()}
    again = counting.count(groups, costs, int(parsed.meta["budget"]), points=points)
    found = results.compute(budget)
    for rule in ("greedy", "equal_shares"):
        assert set(again[rule]["funded"]) == {str(r.project.id) for r in found.funded(rule)}
    selected = {pid for pid, row in parsed.projects.items() if str(row.get("selected")) == "1"}
    assert selected == {str(p.id) for title, p in _projects(budget).items() if p.status == "funded"}
