"""The results of a participatory budget: what each rule funds, the money per district, publishing the result
and turning the funded projects into outcomes with actions.

The vote is a ``consult.votes`` poll owned by the budget; closing it stores the count
(``poll.result["tally"]``), in which the participatory-budgeting methods give both rules side by side
(``tally["rules"]["greedy"]`` and ``tally["rules"]["equal_shares"]``: the options funded in order, the money
spent and left, and the reason each option won or lost). The budget's own ``rule`` decides what is funded;
the other rule is shown beside it, so that residents can see what a different rule would have done.

Publishing (a manager, once the vote is counted) is a single step: each project on the ballot becomes
``funded`` or ``not_funded`` under the budget's rule, each funded project becomes an outcome (one per
project: ``source_key`` ``budget_project:<id>``, so publishing twice cannot make two) with the actions that
carry it out, and the budget is ``closed`` (its results are public). Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.budgets.models import (
    ACCEPTED,
    CLOSED,
    COUNTED,
    FUNDED,
    GREEDY,
    NOT_FUNDED,
    OPTION_TARGET,
    RULE_LABELS,
    RULES,
    Budget,
    BudgetProject,
)
from consult.core import audit
from consult.core.errors import Conflict
from consult.core.models import utcnow
from consult.core.policy import Predicate, enforce, is_signed_in, policies, predicate
from consult.core.time import today
from consult.extensions import db
from consult.outcomes import services as outcomes
from consult.residency.models import District
from consult.votes.models import Poll

#: a project on the ballot, before and after the results are published
ON_BALLOT = (ACCEPTED, FUNDED, NOT_FUNDED)


# -- who may see and publish ---------------------------------------------------------------------------------


def _manages(person, budget) -> bool:
    """The budget's managers (the rule ``budget.manage``)."""
    return bool(policies.decide("budget.manage", person, budget))


manages_budget = Predicate(_manages, "manages_budget",
                           _l("Only the people who run this budget can do this."))


@predicate(_l("The results can be published once the vote is closed and counted, and only once."))
def results_counted(person, budget):
    return isinstance(budget, Budget) and budget.status == COUNTED


def _may_see(person, budget):
    """Everyone once the results are published; the budget's managers as soon as the vote is counted."""
    if not isinstance(budget, Budget):
        return False
    return budget.status == CLOSED or (budget.status == COUNTED and bool(is_signed_in(person, budget))
                                       and bool(manages_budget(person, budget)))


policies.register("budget.see_results", Predicate(_may_see, "may_see_results",
                                                  _l("The results of this budget are not published yet.")))
policies.register("budget.publish_results", is_signed_in & manages_budget & results_counted)


# -- reading the count ---------------------------------------------------------------------------------------


@dataclass
class ProjectResult:
    project: BudgetProject
    option_id: int | None
    votes: int = 0
    #: rule -> funded by it
    funded: dict = field(default_factory=dict)
    #: rule -> {"code": ..., numbers} as the count wrote it
    reasons: dict = field(default_factory=dict)
    #: rule -> place in the order the rule funded the projects (1 = first), or None
    order: dict = field(default_factory=dict)


@dataclass
class DistrictMoney:
    district_id: int | None
    name: str
    projects: int
    #: rule -> money given to the district's funded projects; rule -> how many funded
    money: dict
    funded: dict


@dataclass
class BudgetResults:
    budget: Budget
    poll: Poll | None
    tally: dict
    projects: list[ProjectResult]
    #: rule -> {"spent": int, "left": int, "funded": int}
    totals: dict
    districts: list[DistrictMoney]

    @property
    def counted(self) -> bool:
        return bool(self.tally)

    def funded(self, rule: str | None = None) -> list[ProjectResult]:
        rule = rule or self.budget.rule
        rows = [r for r in self.projects if r.funded.get(rule)]
        return sorted(rows, key=lambda r: r.order.get(rule) or 0)


def poll_of(budget: Budget) -> Poll | None:
    return db.session.get(Poll, budget.poll_id) if budget.poll_id else None


def stored_tally(poll: Poll | None) -> dict:
    """The count stored when the poll closed (empty while it is open or when it has none)."""
    if poll is None or not poll.is_closed or not poll.result:
        return {}
    return poll.result.get("tally") or {}


def funded_options(tally: dict, rule: str) -> list[int]:
    """The option ids ``rule`` funds, in the order it funded them."""
    entry = (tally.get("rules") or {}).get(rule)
    if entry is None:
        return [int(o) for o in tally.get("winners") or []] if tally.get("pb_rule") == rule else []
    return [int(o) for o in entry.get("funded") or []]


def projects_of(budget: Budget) -> list[BudgetProject]:
    """The projects that were on the ballot, in ballot order."""
    return list(db.session.scalars(
        sa.select(BudgetProject)
        .where(BudgetProject.budget_id == budget.id, BudgetProject.status.in_(ON_BALLOT))
        .order_by(BudgetProject.position, BudgetProject.id)))


def _option_ids(poll: Poll | None) -> dict[int, int]:
    """project id -> option id."""
    if poll is None:
        return {}
    return {o.target_id: o.id for o in poll.options if o.target_type == OPTION_TARGET}


def compute(budget: Budget) -> BudgetResults:
    """Both rules' results for every project on the ballot, and the money they give each district."""
    poll = poll_of(budget)
    tally = stored_tally(poll)
    options = _option_ids(poll)
    counts = tally.get("counts") or {}
    funded = {rule: funded_options(tally, rule) for rule in RULES}
    rows = []
    for project in projects_of(budget):
        option = options.get(project.id)
        key = str(option)
        reasons = {rule: ((tally.get("rules") or {}).get(rule) or {}).get("reasons", {}).get(key) or {}
                   for rule in RULES}
        order = {rule: (funded[rule].index(option) + 1 if option in funded[rule] else None) for rule in RULES}
        rows.append(ProjectResult(project=project, option_id=option, votes=int(counts.get(key) or 0),
                                  funded={rule: option in funded[rule] for rule in RULES},
                                  reasons=reasons, order=order))
    totals = {}
    for rule in RULES:
        spent = sum(r.project.cost for r in rows if r.funded[rule])
        totals[rule] = {"spent": spent, "left": budget.total - spent,
                        "funded": sum(1 for r in rows if r.funded[rule])}
    return BudgetResults(budget=budget, poll=poll, tally=tally, projects=rows, totals=totals,
                         districts=money_per_district(budget, rows))


def money_per_district(budget: Budget, rows: list[ProjectResult]) -> list[DistrictMoney]:
    """Each district's projects on the ballot and the money each rule gives them (city-wide projects, with no
    district, last)."""
    found: dict[int | None, DistrictMoney] = {}
    for r in rows:
        key = r.project.district_id
        entry = found.get(key)
        if entry is None:
            entry = found[key] = DistrictMoney(
                district_id=key, name=r.project.district.name if r.project.district else _("Whole city"),
                projects=0, money={rule: 0 for rule in RULES}, funded={rule: 0 for rule in RULES})
        entry.projects += 1
        for rule in RULES:
            if r.funded[rule]:
                entry.money[rule] += r.project.cost
                entry.funded[rule] += 1
    return sorted(found.values(), key=lambda d: (d.district_id is None, d.name.casefold()))


def district_chart(results: BudgetResults, *, width: int = 640, label_width: int = 180,
                   bar: int = 14) -> dict:
    """The geometry of the money-per-district bar chart (two bars per district, one per rule), drawn by
    ``templates/budgets/_district_money_chart.html`` on the server."""
    most = max([d.money[rule] for d in results.districts for rule in RULES] + [1])
    room = width - label_width - 90
    rows = []
    for n, d in enumerate(results.districts):
        top = 8 + n * (2 * bar + 18)
        rows.append({"name": d.name, "y": top, "bars": [
            {"rule": rule, "y": top + i * (bar + 2), "width": round(d.money[rule] / most * room, 1),
             "value": d.money[rule]} for i, rule in enumerate(RULES)]})
    return {"width": width, "height": 16 + len(rows) * (2 * bar + 18), "x": label_width, "bar": bar,
            "rows": rows}


# -- publishing ----------------------------------------------------------------------------------------------


def publish_results(budget: Budget, *, by, responsible: str = "", due_on: date | None = None) -> list:
    """Publish the counted result under the budget's rule: projects funded or not, an outcome with actions per
    funded project (linked from the project), the budget closed. Returns the outcomes."""
    if by is not None:
        enforce("budget.publish_results", by, budget)
    if budget.status != COUNTED:
        raise Conflict(_l("The results can be published once the vote is closed and counted, and only once."))
    results = compute(budget)
    if not results.counted:
        raise Conflict(_l("The vote of this budget has not been counted yet."))
    rule = budget.rule if budget.rule in RULES else GREEDY
    created = []
    for row in results.projects:
        row.project.status = FUNDED if row.funded[rule] else NOT_FUNDED
    for row in results.funded(rule):
        created.append(_outcome_for(budget, row.project, by=by, responsible=responsible, due_on=due_on))
    budget.status = CLOSED
    budget.closed_at = utcnow()
    db.session.flush()
    audit.record("budgets.results_published", actor=by, subject=budget, rule=rule,
                 funded=[r.project.id for r in results.funded(rule)], spent=results.totals[rule]["spent"])
    _tell(budget, results.projects, rule, by)
    return created


def _tell(budget: Budget, rows: list[ProjectResult], rule: str, by) -> None:
    """The budget's followers hear the results are out; each project's followers (its proposer among them)
    whether it is funded."""
    from consult.notifications.services import notify_followers

    notify_followers(budget, "budget_results_published", actor=by)
    for row in rows:
        event = "budget_project_funded" if row.funded[rule] else "budget_project_not_funded"
        notify_followers(row.project, event, actor=by, budget=budget.title)


def _register_messages() -> None:
    from consult.notifications import services as notifications

    notifications.MESSAGES.update({
        "budget_results_published": _l("The results of the budget “%(title)s” are published."),
        "budget_project_funded": _l("“%(title)s” is funded by the budget “%(budget)s”: follow what "
                                    "becomes of it."),
        "budget_project_not_funded": _l("“%(title)s” is not funded by the budget “%(budget)s”. The results "
                                        "say why."),
    })


_register_messages()


def _outcome_for(budget: Budget, project: BudgetProject, *, by, responsible: str, due_on: date | None):
    description = _("Funded by the participatory budget “%(budget)s” (%(cost)s %(currency)s).",
                    budget=budget.title, cost=format_decimal(project.cost), currency=budget.currency)
    if project.description:
        description = f"{description}\n\n{project.description}"
    outcome = outcomes.create_outcome(
        project.title, description=description, process_id=budget.process_id, proposal_id=project.proposal_id,
        source_type="budget_project", source_id=project.id, source_key=f"budget_project:{project.id}",
        decided_on=today(), actor=by)
    if not outcome.actions:
        for title in (_("Detailed design and cost"), _("Works or purchase"), _("Open to the public")):
            outcomes.add_action(outcome, title, responsible=responsible,
                                due_on=due_on if title == _("Open to the public") else None, actor=by)
    project.outcome_id = outcome.id
    return outcome


# -- the page ------------------------------------------------------------------------------------------------


def _method_and_result(poll: Poll | None):
    """The poll's method (its results partial shows both rules, the reasons and the chart) and its result."""
    if poll is None or not poll.is_closed:
        return None, None
    from consult.votes import methods
    from consult.votes.results import results as poll_results

    try:
        method = methods.get(poll.method)
    except methods.BallotError:
        return None, None
    return method, poll_results(poll)


def map_points(found: BudgetResults) -> list[dict]:
    """The projects that have a place, for the map: funded or not under the budget's rule."""
    rule = found.budget.rule
    return [{"latitude": r.project.latitude, "longitude": r.project.longitude, "label": r.project.title,
             "url": r.project.url, "kind": "funded" if r.funded.get(rule) else "not_funded",
             "district": r.project.district.name if r.project.district is not None else ""}
            for r in found.projects if r.project.latitude is not None and r.project.longitude is not None]


def _map_districts(budget: Budget) -> list:
    """The districts drawn under the projects: the budget's own, or all of them for a city-wide budget."""
    query = sa.select(District).order_by(District.name)
    if budget.district_id is not None:
        query = query.where(District.id == budget.district_id)
    return list(db.session.scalars(query))


def page_context(found: BudgetResults) -> dict:
    from consult.outcomes.models import Outcome

    method, result = _method_and_result(found.poll)
    outcome_ids = [r.project.outcome_id for r in found.projects if r.project.outcome_id]
    linked = {o.id: o for o in db.session.scalars(sa.select(Outcome).where(Outcome.id.in_(outcome_ids)))} \
        if outcome_ids else {}
    points = map_points(found)
    return {"budget": found.budget, "found": found, "poll": found.poll, "method": method, "result": result,
            "rules": RULES, "rule_labels": RULE_LABELS, "chart": district_chart(found), "outcomes": linked,
            "points": points,
            "map_districts": _map_districts(found.budget) if points else [],
            "published": found.budget.status == CLOSED}


# -- the pabulib file ----------------------------------------------------------------------------------------

PB_VOTE_TYPE = {"knapsack": "approval", "approval": "approval", "cumulative": "cumulative"}
PB_RULE = {"greedy": "greedy", "equal_shares": "equalshares/add1"}


def pb_text(budget: Budget) -> str | None:
    """The budget's projects and anonymous ballots in the pabulib ``.pb`` format (research community's open
    format), with the projects the budget's rule selected; None before the vote is counted. Ballots are
    written in the order of their content, never of their arrival; voter ids are row numbers."""
    found = compute(budget)
    if not found.counted:
        return None
    from consult.budgets import pabulib
    from consult.votes.casting import spec_for
    from consult.votes.paper_counts import counted_channels, takes_paper_ballots
    from consult.votes.tallies import ballot_groups

    rule = budget.rule
    project_of = {r.option_id: r.project for r in found.projects if r.option_id is not None}
    meta = {"description": budget.title, "country": "", "unit": "", "instance": str(budget.id),
            "num_projects": len(found.projects), "num_votes": 0, "budget": budget.total,
            "vote_type": PB_VOTE_TYPE.get(budget.ballot_kind, "approval"), "rule": PB_RULE.get(rule, rule),
            "currency": budget.currency}
    if budget.ballot_kind == "knapsack":
        meta["max_sum_cost"] = budget.total
    if budget.ballot_kind == "approval" and budget.max_choices:
        meta["max_length"] = budget.max_choices
    if budget.ballot_kind == "cumulative" and budget.points:
        meta["max_sum_points"] = budget.points
    projects = {str(r.project.id): {"cost": r.project.cost, "votes": r.votes, "name": r.project.title,
                                    "selected": 1 if r.funded.get(rule) else 0}
                for r in found.projects}
    votes = []
    groups = ballot_groups(found.poll)  # online, then the paper ballots typed twice at the polling stations
    if takes_paper_ballots(found.poll):
        groups += counted_channels(found.poll, spec_for(found.poll))[0]
    for choice, weight in sorted(groups, key=lambda g: str(g[0])):
        row = _pb_vote(choice, project_of)
        if row is None:
            continue
        for _n in range(weight):
            votes.append({"voter_id": str(len(votes) + 1), **row})
    meta["num_votes"] = len(votes)
    return pabulib.dump(meta, projects, votes)


def _pb_vote(choice, project_of: dict) -> dict | None:
    if isinstance(choice, dict):  # cumulative: {option id: points}
        pairs = [(project_of[int(k)].id, int(v)) for k, v in choice.items()
                 if int(v) > 0 and int(k) in project_of]
        if not pairs:
            return None
        pairs.sort()
        return {"vote": ",".join(str(p) for p, _ in pairs), "points": ",".join(str(v) for _, v in pairs)}
    chosen = sorted(project_of[int(o)].id for o in choice or [] if int(o) in project_of)
    return {"vote": ",".join(str(p) for p in chosen)} if chosen else None
