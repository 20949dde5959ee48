"""Participatory budgets and their projects: the budget (process, district, money, ballot kind, the rule that
decides, step and calendar) and each project as its public page shows it (cost, district, place, status, the
published reason of a project set aside), with, once the results are published, its votes, whether each rule
funds it and the outcome it became.

Drafts are never listed, nor their projects; votes and what each rule funds appear only with the published
results (a counted vote is first checked by the people who run the budget).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from consult.api.machinery import Field, Resource, builder, columns, prefetched
from consult.budgets import results
from consult.budgets.models import CLOSED, DRAFT, SET_ASIDE, Budget, BudgetProject
from consult.extensions import db
from consult.votes.models import Poll

RULES_SCHEMA = {
    "type": ["object", "null"], "additionalProperties": False,
    "description": "Once the results are published: for each rule (greedy, equal_shares), the projects it "
                   "funds in order, the money spent and left.",
    "properties": {rule: {"type": "object", "additionalProperties": False,
                          "required": ["funded", "spent", "left"],
                          "properties": {"funded": {"type": "array", "items": {"type": "integer"}},
                                         "spent": {"type": "integer"}, "left": {"type": "integer"}}}
                   for rule in results.RULES},
}


# -- budgets -------------------------------------------------------------------------------------------------


def _budgets() -> sa.Select:
    return (sa.select(Budget).where(Budget.status != DRAFT)
            .order_by(Budget.created_at.desc(), Budget.id.desc()))


def _polls(rows: list) -> dict:
    """The stored counts of the published budgets among ``rows`` (budgets or projects), in one statement."""
    budgets = {b.id: b for b in (r if isinstance(r, Budget) else r.budget for r in rows)}
    poll_ids = [b.poll_id for b in budgets.values() if b.status == CLOSED and b.poll_id]
    polls = {p.id: p for p in db.session.scalars(sa.select(Poll).where(Poll.id.in_(poll_ids)))} \
        if poll_ids else {}
    return {"polls": polls, "budgets": budgets}


def _tally(budget: Budget, name: str) -> dict:
    if budget.status != CLOSED or not budget.poll_id:
        return {}
    found = prefetched(name) or _polls([budget])
    return results.stored_tally(found["polls"].get(budget.poll_id))


def _project_of_option(budget: Budget, name: str) -> dict[int, int]:
    poll = (prefetched(name) or _polls([budget]))["polls"].get(budget.poll_id)
    return {o.id: o.target_id for o in poll.options if o.target_type == results.OPTION_TARGET} if poll else {}


def _rules(budget: Budget):
    tally = _tally(budget, "budgets")
    if not tally:
        return None
    project = _project_of_option(budget, "budgets")
    answer = {}
    for rule in results.RULES:
        funded = [project[o] for o in results.funded_options(tally, rule) if o in project]
        entry = (tally.get("rules") or {}).get(rule) or {}
        spent = int(entry.get("spent") or 0)
        left = int(entry.get("left", budget.total - spent))
        answer[rule] = {"funded": funded, "spent": spent, "left": left}
    return answer


@builder
def budgets() -> Resource:
    return Resource(
        name="budgets", title="Budget", model=Budget,
        description="Participatory budgets: the money residents share among projects, the ballot, the rule "
                    "that decides (both rules are always published), the step and the calendar (UTC).",
        query=_budgets, prefetch=_polls,
        date_column=lambda: Budget.created_at, date_description="creation",
        fields=[
            *columns(id="integer", process_id="integer", title="string"),
            Field("description", "string", description="Markdown."),
            Field("district_id", "integer", nullable=True, description="Null for a city-wide budget."),
            Field("district", "string", nullable=True,
                  getter=lambda b: b.district.name if b.district is not None else None,
                  description="Whose residents vote: the district's (null: the whole city)."),
            Field("total", "integer", description="In whole units of the currency."),
            Field("currency", "string"),
            Field("ballot_kind", "string", description="knapsack, approval or cumulative"),
            *columns(max_choices="integer", points="integer", nullable=True),
            Field("rule", "string",
                  description="greedy or equal_shares: the rule that decides what is funded"),
            Field("status", "string", description="proposing, reviewing, voting, counted or closed (results "
                                                  "published)"),
            *columns(proposing_opens_at="date-time", proposing_closes_at="date-time",
                     review_ends_at="date-time", voting_opens_at="date-time", voting_closes_at="date-time",
                     closed_at="date-time", nullable=True),
            Field("rules", "object", schema=RULES_SCHEMA, getter=_rules),
            Field("url", "string", getter=lambda b: b.url,
                  description="The budget's public page."),
            Field("results_url", "string", nullable=True,
                  getter=lambda b: (url_for("budgets.results", budget_id=b.id)
                                    if b.status == CLOSED else None)),
            Field("pb_url", "string", nullable=True,
                  getter=lambda b: (url_for("budgets.ballots_pb", budget_id=b.id)
                                    if b.status == CLOSED else None),
                  description="The projects and the anonymous ballots in the pabulib .pb format, once the "
                              "results are published."),
        ],
    )


# -- projects ------------------------------------------------------------------------------------------------


def _projects() -> sa.Select:
    return (sa.select(BudgetProject).join(Budget, Budget.id == BudgetProject.budget_id)
            .where(Budget.status != DRAFT)
            .order_by(BudgetProject.budget_id.desc(), BudgetProject.position, BudgetProject.id))


def _option_of(project: BudgetProject) -> int | None:
    return {p: o for o, p in _project_of_option(project.budget, "budget-projects").items()}.get(project.id)


def _votes(project: BudgetProject):
    tally = _tally(project.budget, "budget-projects")
    if not tally:
        return None
    option = _option_of(project)
    return int((tally.get("counts") or {}).get(str(option)) or 0) if option is not None else None


def _funded_by(rule: str):
    def get(project: BudgetProject):
        tally = _tally(project.budget, "budget-projects")
        if not tally:
            return None
        option = _option_of(project)
        return option is not None and option in results.funded_options(tally, rule)

    return get


@builder
def budget_projects() -> Resource:
    return Resource(
        name="budget-projects", title="BudgetProject", model=BudgetProject,
        description="Projects of participatory budgets, as their public pages show them; votes and what each "
                    "rule funds once the budget's results are published.",
        query=_projects, prefetch=_polls,
        date_column=lambda: BudgetProject.created_at, date_description="submission",
        fields=[
            *columns(id="integer", budget_id="integer", title="string"),
            Field("description", "string", description="Markdown."),
            Field("cost", "integer", description="What voters see: the staff's estimate once reviewed."),
            *columns(district_id="integer", proposal_id="integer", nullable=True),
            Field("district", "string", nullable=True,
                  getter=lambda p: p.district.name if p.district is not None else None),
            *columns(latitude="number", longitude="number", nullable=True),
            Field("status", "string", description="submitted, accepted (on the ballot), set_aside, funded, "
                                                  "not_funded or withdrawn (by its proposer)"),
            Field("review_reason", "string", nullable=True,
                  getter=lambda p: p.review_reason or None if p.status == SET_ASIDE else None,
                  description="Why the staff set the project aside (published with it)."),
            Field("votes", "integer", nullable=True, getter=_votes,
                  description="Votes (or points) once the results are published."),
            Field("funded_greedy", "boolean", nullable=True, getter=_funded_by("greedy"),
                  description="Whether the greedy rule funds it (once the results are published)."),
            Field("funded_equal_shares", "boolean", nullable=True, getter=_funded_by("equal_shares"),
                  description="Whether the method of equal shares funds it (once the results are "
                              "published)."),
            Field("outcome_id", "integer", nullable=True,
                  description="The outcome a funded project became (see /api/v1/outcomes)."),
            Field("url", "string", getter=lambda p: p.url, description="The project's public page."),
        ],
    )
