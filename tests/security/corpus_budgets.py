"""The participatory budgets of the XSS corpus (``tests/security/corpus.py``): a city-wide budget taking
proposals, with projects by residents (waiting, on the ballot with a review, set aside with a published reason
and an internal note) and a proposal of the process promoted into it; a second budget whose vote is open."""

from __future__ import annotations

from datetime import timedelta

from consult.budgets import projects as budget_projects
from consult.budgets import services as budgets
from consult.budgets import voting
from consult.budgets.models import Budget, BudgetProject
from tests.security.corpus import chunks, limited, one


def add_budgets(corpus, staff, people, process, main, everything: str, now) -> None:
    dates = {"proposing_opens_at": now - timedelta(days=1), "proposing_closes_at": now + timedelta(days=20),
             "voting_closes_at": now + timedelta(days=40)}
    proposing = budgets.create_budget(process, by=staff, title=one(Budget.title), description=everything,
                                      total=500_000, calendar=dates)
    budgets.start_proposing(proposing, by=staff)
    titles = chunks(BudgetProject.title)
    made = [budget_projects.submit_project(proposing, people[n % 4], title=title, description=everything,
                                           cost=10_000 * (n + 1))
            for n, title in enumerate(titles)]
    reasons = limited(5000, start=40)
    budget_projects.review_project(made[0], by=staff, accept=True, cost=12_345, reason=reasons[0],
                                   note=reasons[-1])
    if len(made) > 1:
        budget_projects.review_project(made[1], by=staff, accept=False, feasible=False,
                                       reason=everything[:5000], note=reasons[0])
    promoted = budget_projects.promote_proposal(proposing, main, by=staff, cost=30_000)

    voting_budget = budgets.create_budget(process, by=staff, title=one(Budget.title, 60),
                                          description=everything, total=80_000, calendar=dates)
    budgets.start_proposing(voting_budget, by=staff)
    ballot = [budget_projects.submit_project(voting_budget, people[n], title=one(BudgetProject.title, 20 + n),
                                             description=everything, cost=20_000)
              for n in range(2)]
    budgets.start_review(voting_budget, by=staff)
    for project in ballot:
        budget_projects.review_project(project, by=staff, accept=True, reason=reasons[0])
    poll = voting.open_voting(voting_budget, by=staff)

    corpus.fields |= {"budget.title", "budget.description", "budget_project.title",
                      "budget_project.description", "budget_project.review_reason",
                      "budget_project.review_note"}
    corpus.public.update({
        "process budgets": f"/processes/{process.id}/budgets", "budget": f"/budgets/{proposing.id}",
        "budget voting": f"/budgets/{voting_budget.id}", "budget ballot": f"/polls/{poll.id}",
        "promoted project": f"/budget-projects/{promoted.id}",
        # the budget's page lists every title; these pages show one project's whole text each
        **{f"budget project {n}": f"/budget-projects/{p.id}" for n, p in enumerate(made[:3] + ballot)},
    })
    corpus.staff.update({
        "budget manage": f"/budgets/{proposing.id}/manage", "budget edit": f"/budgets/{proposing.id}/edit",
        "budget voting manage": f"/budgets/{voting_budget.id}/manage",
        "budget project review": f"/budget-projects/{made[0].id}",
        "budget project set aside": f"/budget-projects/{made[1].id}",
    })
    corpus.author.update({"my budget project": f"/budget-projects/{made[0].id}"})
