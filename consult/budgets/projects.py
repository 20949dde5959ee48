"""Projects of a budget: submitted by eligible residents, promoted from a proposal of the process, reviewed by
the staff.

Rules kept here (they flush, never commit):

* A resident submits a project while the budget takes proposals (``budget.propose``: the budget's rule, the
  calendar's dates): title, description, their cost estimate, and optionally a district and a place. In a
  district budget the project's district is the budget's. The proposer follows the project and hears of
  its review.
* The organisers promote a published proposal of the process into a project (before voting): its title, text,
  district and place are copied, its author is the proposer, the proposal's id is kept; a proposal becomes a
  project of a budget once. The proposal's followers hear of it.
* The technical review (``budget_project.review``, before voting): the staff accept the project onto the
  ballot with their cost estimate (the cost voters see; the proposer's is kept), or set it aside with a reason
  that is published on the project's page (a refusal without one is refused). A note for the staff stays
  internal.
  Feasibility is recorded (set aside: not feasible, or feasible but left out for the reason given). The
  proposer (and followers) hear of the decision; the audit log keeps who decided, the costs and the reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.budgets.models import ACCEPTED, SET_ASIDE, SUBMITTED, WITHDRAWN, Budget, BudgetProject
from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.extensions import db

COST_MAX = 2_000_000_000
#: proposals that may become a project: published and not withdrawn, merged or rejected
PROMOTABLE_STATES = ("submitted", "under_review", "qualified", "accepted", "adopted")


def _place(latitude, longitude) -> tuple[float | None, float | None]:
    if (latitude is None) != (longitude is None):
        raise DomainError(_l("Please give both the latitude and the longitude, or neither."),
                          field="latitude" if latitude is None else "longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        raise DomainError(_l("The latitude must be between -90 and 90."), field="latitude")
    if longitude is not None and not -180 <= longitude <= 180:
        raise DomainError(_l("The longitude must be between -180 and 180."), field="longitude")
    return latitude, longitude


def _cost(cost, field: str = "cost") -> int:
    if cost is None or not 1 <= cost <= COST_MAX:
        raise DomainError(_l("The cost must be a whole amount between 1 and 2,000,000,000."), field=field)
    return cost


def _next_position(budget: Budget) -> int:
    last = db.session.scalar(sa.select(sa.func.max(BudgetProject.position))
                             .where(BudgetProject.budget_id == budget.id))
    return (last or 0) + 1


def _district_id(budget: Budget, district) -> int | None:
    return budget.district_id if budget.district_id is not None else getattr(district, "id", None)


def submit_project(budget: Budget, person, *, title: str, description: str, cost: int, district=None,
                   latitude: float | None = None, longitude: float | None = None) -> BudgetProject:
    """``person`` proposes a project for ``budget``; it waits for the technical review."""
    from consult.notifications.services import follow

    enforce("budget.propose", person, budget)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Please give the project a title."), field="title")
    if not (description or "").strip():
        raise DomainError(_l("Please describe the project."), field="description")
    cost = _cost(cost)
    latitude, longitude = _place(latitude, longitude)
    project = BudgetProject(budget_id=budget.id, title=title[:200], description=description.strip(),
                            cost=cost, proposed_cost=cost, proposed_by_id=person.id, status=SUBMITTED,
                            district_id=_district_id(budget, district), latitude=latitude,
                            longitude=longitude, position=_next_position(budget))
    db.session.add(project)
    db.session.flush()
    follow(person, project)
    audit.record("budgets.project_submitted", actor=person, subject=project, budget_id=budget.id, cost=cost)
    return project


def update_project(project: BudgetProject, person, *, title: str, description: str, cost: int, district=None,
                   latitude: float | None = None, longitude: float | None = None) -> BudgetProject:
    """The proposer changes their project while it waits for review (the staff then review what it says)."""
    enforce("budget_project.edit", person, project)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Please give the project a title."), field="title")
    if not (description or "").strip():
        raise DomainError(_l("Please describe the project."), field="description")
    project.cost = project.proposed_cost = _cost(cost)
    project.latitude, project.longitude = _place(latitude, longitude)
    project.title, project.description = title[:200], description.strip()
    project.district_id = _district_id(project.budget, district)
    db.session.flush()
    audit.record("budgets.project_updated", actor=person, subject=project, cost=project.cost)
    return project


def withdraw_project(project: BudgetProject, person) -> BudgetProject:
    """The proposer withdraws their project while it waits for review: it stays listed, marked withdrawn, and
    is neither reviewed nor put on the ballot."""
    enforce("budget_project.withdraw", person, project)
    project.status = WITHDRAWN
    db.session.flush()
    audit.record("budgets.project_withdrawn", actor=person, subject=project, budget_id=project.budget_id)
    return project


def promotable_proposals(budget: Budget) -> list:
    """The proposals of the budget's process that may become one of its projects (published, visible, not
    promoted into this budget yet), newest first."""
    from consult.proposals.models import Proposal

    taken = sa.select(BudgetProject.proposal_id).where(BudgetProject.budget_id == budget.id,
                                                       BudgetProject.proposal_id.is_not(None))
    return list(db.session.scalars(
        sa.select(Proposal).where(Proposal.process_id == budget.process_id,
                                  Proposal.state.in_(PROMOTABLE_STATES), Proposal.hidden_at.is_(None),
                                  Proposal.id.not_in(taken))
        .order_by(Proposal.support_count.desc(), Proposal.id.desc()).limit(500)))


def promote_proposal(budget: Budget, proposal, *, by=None, cost: int) -> BudgetProject:
    """Turn a proposal of the budget's process into a project waiting for review; its author is the
    proposer."""
    from consult.notifications.services import follow, notify_followers

    if by is not None:
        enforce("budget.promote", by, budget)
    if (proposal is None or proposal.process_id != budget.process_id
            or proposal.state not in PROMOTABLE_STATES or proposal.hidden_at is not None):
        raise DomainError(_l("Please choose a published proposal of this process."), field="proposal_id")
    if db.session.scalar(sa.select(BudgetProject.id).where(BudgetProject.budget_id == budget.id,
                                                           BudgetProject.proposal_id == proposal.id)):
        raise Conflict(_l("This proposal is already a project of this budget."))
    cost = _cost(cost)
    latitude, longitude = getattr(proposal, "latitude", None), getattr(proposal, "longitude", None)
    district_id = budget.district_id if budget.district_id is not None else proposal.district_id
    project = BudgetProject(budget_id=budget.id, title=proposal.title[:200], description=proposal.body,
                            cost=cost, proposed_cost=cost, proposed_by_id=proposal.author_id,
                            proposal_id=proposal.id, status=SUBMITTED, district_id=district_id,
                            latitude=latitude if longitude is not None else None,
                            longitude=longitude if latitude is not None else None,
                            position=_next_position(budget))
    db.session.add(project)
    db.session.flush()
    if proposal.author is not None:
        follow(proposal.author, project)
    audit.record("budgets.proposal_promoted", actor=by, subject=project, budget_id=budget.id,
                 proposal_id=proposal.id, cost=cost)
    notify_followers(proposal, "budget_project_promoted", actor=by, budget=budget.title)
    return project


def review_project(project: BudgetProject, *, by=None, accept: bool, cost: int | None = None,
                   feasible: bool | None = None, reason: str = "", note: str = "") -> BudgetProject:
    """The technical review: onto the ballot at the staff's cost, or set aside with a published reason."""
    from consult.notifications.services import notify_followers

    if by is not None:
        enforce("budget_project.review", by, project)
    if project.status not in (SUBMITTED, ACCEPTED, SET_ASIDE):
        raise Conflict(_l("This project has been counted: its review can no longer change."))
    reason, note = (reason or "").strip(), (note or "").strip()
    if accept:
        project.cost = _cost(cost if cost is not None else project.cost)
        project.feasible = True
        project.status = ACCEPTED
    else:
        if not reason:
            raise DomainError(_l("Please give the reason: it is published with the project."), field="reason")
        if cost is not None:
            project.cost = _cost(cost)
        project.feasible = bool(feasible)
        project.status = SET_ASIDE
    project.review_reason, project.review_note = reason, note
    project.reviewed_by_id, project.reviewed_at = getattr(by, "id", None), utcnow()
    db.session.flush()
    audit.record("budgets.project_reviewed", actor=by, subject=project, status=project.status,
                 feasible=project.feasible, cost=project.cost, proposed_cost=project.proposed_cost,
                 reason=reason)
    notify_followers(project, "budget_project_accepted" if accept else "budget_project_set_aside", actor=by)
    return project
