"""The published results of participatory budgets in the XSS corpus (``tests/security/corpus.py``): a budget
voted, counted and published (the results page with both rules, the money per district and the map's list
show the projects' titles; its outcomes' actions the responsible body), and one counted, waiting for the
staff's publication (the page with its form)."""

from __future__ import annotations

from datetime import timedelta

from consult.budgets import projects, results, voting
from consult.budgets import services as budgets
from consult.budgets.models import Budget, BudgetProject
from consult.votes import services as votes
from tests.security.corpus import chunks, limited, one


def add_budget_results(corpus, staff, people, process, everything: str, now) -> None:
    pages = {}
    for n, publish in enumerate((True, False)):
        budget = budgets.create_budget(process, by=staff, title=one(Budget.title, 20 + 10 * n), total=1000,
                                       description=everything, ballot_kind="knapsack",
                                       calendar={"voting_closes_at": now + timedelta(days=3)})
        budgets.start_proposing(budget, by=staff)
        made = [projects.submit_project(budget, people[k], title=title, description=everything[:5000],
                                        cost=300 + 100 * k, latitude=38.1 + k / 100, longitude=13.3)
                for k, title in enumerate(chunks(BudgetProject.title, start=60 + 10 * n)[:3])]
        budgets.start_review(budget, by=staff)
        for project in made:
            projects.review_project(project, by=staff, accept=True)
        poll = voting.open_voting(budget, by=staff)
        option = {o.target_id: o.id for o in poll.options}
        for k, person in enumerate(people[:4]):
            votes.cast_ballot(poll, person, [str(option[made[k % 2].id]), str(option[made[2].id])])
        voting.close_voting(budget, by=staff)
        if publish:
            results.publish_results(budget, by=staff, responsible=limited(200, start=95)[0])
        pages[publish] = budget.id
    corpus.fields |= {"budget_project.title", "outcome_action.responsible"}
    corpus.public.update({"budget results": f"/budgets/{pages[True]}/results",
                          "budgets api": "/api/v1/budgets", "budget projects api": "/api/v1/budget-projects",
                          "budget projects csv": "/api/v1/budget-projects.csv"})
    corpus.staff.update({"counted budget results": f"/budgets/{pages[False]}/results"})
