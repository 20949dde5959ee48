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


def test_the_pb_file_holds_the_paper_ballots_typed_twice(client, db, make_user):
    """Paper slips of a polling station, typed twice and counted, are ballots of the file like the online
    ones (the count includes them)."""
    from consult.budgets import pabulib
    from consult.votes import paper_ballots

    admin = make_user(roles=("admin",))
    clerk = make_user(roles=("registrar",))

    def slips(poll, option):
        batch = paper_ballots.open_batch(poll, station="Town hall", slips=2, by=admin)
        for typist in (admin, clerk):
            paper_ballots.enter_slip(batch, slip=1, raw=[str(option["Welcome signs"])], by=typist)
            paper_ballots.enter_slip(batch, slip=2, kind="blank", by=typist)
        paper_ballots.count_batch(batch, admin)

    budget = counted_budget(admin, before_close=slips)
    results.publish_results(budget, by=admin)
    db.session.commit()
    parsed = pabulib.load(client.get(f"/budgets/{budget.id}/ballots.pb").get_data(as_text=True))
    signs = str(_projects(budget)["Welcome signs"].id)
    assert len(parsed.votes) == 30 and sum(v["vote"] == signs for v in parsed.votes) == 6
    assert int(parsed.projects[signs]["votes"]) == 6


def test_a_cumulative_budgets_pb_file_gives_the_points(client, db, make_user):
    from consult.budgets import pabulib
    from consult.votes.counting import budgets as counting

    admin = make_user(roles=("admin",))
    budget = counted_budget(admin, points=2)
    results.publish_results(budget, by=admin)
    db.session.commit()
    parsed = pabulib.load(client.get(f"/budgets/{budget.id}/ballots.pb").get_data(as_text=True))
    assert parsed.meta["vote_type"] == "cumulative" and int(parsed.meta["max_sum_points"]) == 3
    assert {v["points"] for v in parsed.votes} == {"2"}
    playground = str(_projects(budget)["Shaded playground"].id)
    assert int(parsed.projects[playground]["votes"]) == 20  # ten voters, two points each
    groups, points = pabulib.ballots(parsed)
    again = counting.count(groups, {p: int(r["cost"]) for p, r in parsed.projects.items()},
                           int(parsed.meta["budget"]), points=points)
    assert set(again["greedy"]["funded"]) == {str(p.id) for p in _projects(budget).values()
                                              if p.status == "funded"}


def test_flask_budgets_replay_finds_the_published_winners_in_the_file(client, db, make_user, runner,
                                                                      tmp_path):
    admin = make_user(roles=("admin",))
    budget = counted_budget(admin, rule="equal_shares")
    results.publish_results(budget, by=admin)
    db.session.commit()
    path = tmp_path / "budget.pb"
    path.write_text(client.get(f"/budgets/{budget.id}/ballots.pb").get_data(as_text=True), encoding="utf-8")
    answer = runner.invoke(args=["budgets", "replay", str(path)])
    assert answer.exit_code == 0, answer.output
    assert "published rule: equalshares/add1" in answer.output and "= the published winners" in answer.output
