"""Who may do what with participatory budgets.

* ``budget.view``: everyone once the budget is out of draft; drafts for its organisers (``budget.manage``:
  admins and the organisers of its process — role ``organiser`` for that process —, who create budgets, move
  them from step to step and review the projects).
* ``budget.edit``: the organisers, until voting starts.
* ``budget.start_proposing`` / ``budget.start_review`` / ``budget.open_voting`` / ``budget.close_voting``:
  the organisers, from the step before (draft → proposing → reviewing → voting → counted).
* ``budget.propose``: a person not blocked who meets the budget's rule (residence facts only: verification,
  age, the budget's district; a stated birth year counts, as for proposals), while projects are proposed.
* ``budget.promote``: the organisers turn a proposal of the process into a project, before voting.
* ``budget_project.view``: whoever sees the budget.
* ``budget_project.edit``: its proposer, while it waits for review and the budget takes proposals;
  ``budget_project.withdraw``: its proposer, then too.
* ``budget_project.review``: the organisers, before voting, for a project not funded or counted yet.
* ``budget.vote``: the owner rule of the budget's poll (``consult.votes.owners``): voting is open and the
  person meets the budget's rule (binding: a birth year recorded by the register or a registrar).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.budgets.models import (
    ACCEPTED,
    DRAFT,
    PROPOSING,
    REVIEWING,
    SET_ASIDE,
    SUBMITTED,
    VOTING,
    Budget,
    BudgetProject,
)
from consult.core.policy import (
    YES,
    Decision,
    has_role,
    is_admin,
    is_not_blocked,
    is_signed_in,
    policies,
    predicate,
)
from consult.processes.models import Process
from consult.residency.policies import meets_eligibility


def budget_of(obj) -> Budget | None:
    """The budget an object belongs to (a budget, a project), or None."""
    if isinstance(obj, BudgetProject):
        return obj.budget
    return obj if isinstance(obj, Budget) else None


def _status(obj) -> str | None:
    budget = budget_of(obj)
    return budget.status if budget is not None else None


def _process_scope(obj):
    """The process a budget, a project or the process itself names, as a role's scope."""
    budget = budget_of(obj)
    if budget is not None:
        return ("process", budget.process_id)
    return ("process", obj.id) if isinstance(obj, Process) else None


#: admins, and the organisers of the budget's process (role ``organiser`` for that process, as for surveys)
is_process_organiser = has_role("organiser", scope=_process_scope,
                                reason=_l("Only the organisers of this process can do this."))
organiser = is_signed_in & (is_admin | is_process_organiser)


@predicate(_l("This budget is not published yet."))
def is_published(person, obj):
    return _status(obj) not in (None, DRAFT)


@predicate(_l("This budget can no longer be changed: voting has started."))
def before_voting(person, obj):
    return _status(obj) in (DRAFT, PROPOSING, REVIEWING)


@predicate(_l("This budget is already published."))
def is_draft(person, obj):
    return _status(obj) == DRAFT


@predicate(_l("Projects are proposed only in the step that follows the draft."))
def is_proposing(person, obj):
    return _status(obj) == PROPOSING


@predicate(_l("Voting opens after the technical review."))
def is_reviewing(person, obj):
    return _status(obj) == REVIEWING


@predicate(_l("Voting is not open for this budget."))
def is_voting(person, obj):
    return _status(obj) == VOTING


@predicate()
def proposing_open(person, obj):
    budget = budget_of(obj)
    if budget is None or budget.status != PROPOSING:
        return Decision("refused", _l("Projects cannot be proposed for this budget now."))
    if not budget.proposing_open():
        return Decision("refused", _l("Projects can be proposed only between the dates in the calendar."))
    return YES


def _rule_of(obj):
    budget = budget_of(obj)
    return budget.eligibility_rule if budget is not None else None


meets_rule_to_propose = meets_eligibility(_rule_of)
meets_rule_to_vote = meets_eligibility(_rule_of, binding=True)


@predicate(_l("This project has been counted: its review can no longer change."))
def reviewable(person, obj):
    return isinstance(obj, BudgetProject) and obj.status in (SUBMITTED, ACCEPTED, SET_ASIDE)


policies.register("budget.manage", organiser)
policies.register("budget.view", is_published | organiser)
policies.register("budget.edit", organiser & before_voting)
policies.register("budget.start_proposing", organiser & is_draft)
policies.register("budget.start_review", organiser & is_proposing)
policies.register("budget.open_voting", organiser & is_reviewing)
policies.register("budget.close_voting", organiser & is_voting)
policies.register("budget.propose", is_signed_in & is_not_blocked & proposing_open & meets_rule_to_propose)
policies.register("budget.promote", organiser & before_voting & ~is_draft)
policies.register("budget_project.view", is_published | organiser)
@predicate(_l("Only the person who proposed this project can change it."))
def is_proposer(person, obj):
    return isinstance(obj, BudgetProject) and obj.proposed_by_id is not None and \
        obj.proposed_by_id == getattr(person, "id", None)


@predicate(_l("A project can be changed only while it waits for review and projects are proposed."))
def still_proposed(person, obj):
    return isinstance(obj, BudgetProject) and obj.status == SUBMITTED and _status(obj) == PROPOSING


policies.register("budget_project.edit", is_signed_in & is_not_blocked & is_proposer & still_proposed)
policies.register("budget_project.withdraw", is_signed_in & is_proposer & still_proposed)
policies.register("budget_project.review", organiser & before_voting & ~is_draft & reviewable)
policies.register("budget.vote", is_voting & meets_rule_to_vote)
