"""The vote of a budget: its poll of ``consult.votes`` (owner type ``budget``), opened and closed by the
organisers; what the poll's owner hooks tell the votes engine.

* Opening (``budget.open_voting``, after the review): every project is reviewed (none waits), at least two are
  on the ballot, the closing date is ahead. The poll is secret, its method the budget's ballot kind
  (``pb_knapsack``, ``pb_approval``, ``pb_cumulative``), its options the accepted projects
  (``target_type="budget_project"``) in their order, its rule the budget's (its district's residents), a
  published random seed for the lots that break ties. The
  ballot page is the votes' own (``votes.poll``). Followers of the budget and of its projects hear of it.
* The owner's ``spec_extras`` give the methods each option's cost, the budget's total and rule (and the
  approval maximum or the points to share): the ballot's checks (a knapsack over the budget is refused with a
  clear message) and the counts use them.
* Closing (``budget.close_voting``): the votes' close flow counts the poll once (its ``result`` holds both
  rules); the budget is then *counted*. Publishing which projects are funded is ``results``' part.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.budgets.models import (
    ACCEPTED,
    APPROVAL,
    COUNTED,
    CUMULATIVE,
    OPTION_TARGET,
    OWNER_TYPE,
    REVIEWING,
    SUBMITTED,
    VOTING,
    Budget,
    BudgetProject,
)
from consult.budgets.services import projects_of
from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.extensions import db


def poll_of(budget: Budget):
    from consult.votes.models import Poll

    return db.session.get(Poll, budget.poll_id) if budget.poll_id else None


def open_voting(budget: Budget, *, by=None):
    """Make and open the budget's poll; the budget is in its voting step."""
    from consult.notifications.services import notify_followers
    from consult.votes import services as engine

    if by is not None:
        enforce("budget.open_voting", by, budget)
    if budget.status != REVIEWING:
        raise Conflict(_l("Voting opens once, after the technical review."))
    projects = projects_of(budget, SUBMITTED, ACCEPTED)
    waiting = sum(1 for p in projects if p.status == SUBMITTED)
    if waiting:
        raise Conflict(_l("Every project must be reviewed before voting opens (%(num)s still waiting).",
                          num=waiting))
    accepted = [p for p in projects if p.status == ACCEPTED]
    if len(accepted) < 2:
        raise Conflict(_l("At least two projects must be on the ballot to open voting."))
    now = utcnow()
    if budget.voting_closes_at is None or budget.voting_closes_at <= now:
        raise DomainError(_l("Please set a closing date of the vote in the future first."),
                          field="voting_closes_at")
    poll = engine.create_poll(
        question=budget.title[:500], method=budget.method, mode="secret", rule=budget.eligibility_rule,
        options=[{"label": p.title, "target_type": OPTION_TARGET, "target_id": p.id} for p in accepted],
        owner_type=OWNER_TYPE, owner_id=budget.id, opens_at=now, closes_at=budget.voting_closes_at,
        description=budget.description, created_by=by, seats=len(accepted), tie_seed=secrets.token_hex(16))
    poll.max_choices = budget.max_choices if budget.ballot_kind == APPROVAL else None
    poll.points_budget = budget.points if budget.ballot_kind == CUMULATIVE else None
    db.session.flush()
    budget.poll_id = poll.id
    engine.open_poll(poll, by=by)
    budget.status = VOTING
    if budget.voting_opens_at is None or budget.voting_opens_at > now:
        budget.voting_opens_at = now
    db.session.flush()
    audit.record("budgets.voting_opened", actor=by, subject=budget, poll_id=poll.id,
                 projects=[p.id for p in accepted])
    notify_followers(budget, "budget_voting_open", actor=by)
    for project in accepted:
        notify_followers(project, "budget_voting_open", actor=by, title=budget.title)
    return poll


def close_voting(budget: Budget, *, by=None):
    """Close the budget's poll (the votes engine counts it once) and mark the budget counted. Before the
    calendar's closing date this is an early close, recorded as such."""
    from consult.votes import services as engine

    if by is not None:
        enforce("budget.close_voting", by, budget)
    if budget.status != VOTING:
        raise Conflict(_l("Voting is not open for this budget."))
    poll = poll_of(budget)
    now = utcnow()
    early = bool(budget.voting_closes_at and now < budget.voting_closes_at)
    if poll is not None and poll.status != "closed":
        engine.close_poll(poll, by=by)
    budget.status = COUNTED
    budget.counted_at = now
    if early:
        budget.voting_closes_at = now
    db.session.flush()
    tally = ((poll.result or {}).get("tally") or {}) if poll is not None else {}
    audit.record("budgets.voting_closed", actor=by, subject=budget, poll_id=budget.poll_id, early=early,
                 ballots=tally.get("ballots"))
    return poll


# ------------------------------------------------------------------------------------------ the owner hooks


def budget_of_poll(poll) -> Budget | None:
    return db.session.get(Budget, poll.owner_id) if poll.owner_id else None


def describe(poll):
    from flask import url_for

    budget = budget_of_poll(poll)
    if budget is None:
        return None
    return budget.title, url_for("budgets.show", budget_id=budget.id)


def spec_extras(poll) -> dict:
    """The ``Spec`` fields of a budget's poll: each option's cost (from its project), the total, the rule, and
    the approval maximum or the points to share."""
    budget = budget_of_poll(poll)
    if budget is None:
        return {}
    project_ids = [o.target_id for o in poll.options if o.target_type == OPTION_TARGET]
    costs = dict(db.session.execute(sa.select(BudgetProject.id, BudgetProject.cost)
                                    .where(BudgetProject.id.in_(project_ids))).all()) if project_ids else {}
    extras = {"costs": {o.id: costs[o.target_id] for o in poll.options if o.target_id in costs},
              "budget_limit": budget.total, "pb_rule": budget.rule}
    if budget.ballot_kind == APPROVAL:
        extras["max_choices"] = budget.max_choices
    if budget.ballot_kind == CUMULATIVE:
        extras["points_budget"] = budget.points
    return extras
