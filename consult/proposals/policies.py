"""Who may do what with proposals.

* Proposing needs an active phase that opens ``propose`` and the process's eligibility rule.
* Supporting (and taking a support back) needs an open proposal, a phase that opens ``support`` and the rule.
* The author edits within ``PROPOSAL_EDIT_WINDOW_MINUTES`` after publishing, and withdraws while it is open.
* Translations: the author or a person with the translator role.
* States, official answers and merges: moderators and admins.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
from consult.core.policy import always, has_role, is_admin, is_not_blocked, is_signed_in, policies, predicate
from consult.processes.models import Process
from consult.proposals.models import DRAFT, OPEN_STATES, Proposal
from consult.residency.policies import meets_eligibility


def process_of(obj) -> Process | None:
    if isinstance(obj, Proposal):
        return obj.process
    return obj if isinstance(obj, Process) else None


def rule_of(obj):
    process = process_of(obj)
    return process.eligibility_rule if process is not None else None


def phase_allows(capability: str, reason) -> object:
    @predicate(reason, name=f"phase_allows({capability})")
    def test(person, obj):
        process = process_of(obj)
        return process is not None and process.allows(capability)

    return test


@predicate(_l("Only the author can do this."))
def is_author(person, proposal):
    return (getattr(person, "is_authenticated", False) and proposal is not None
            and proposal.author_id is not None and proposal.author_id == person.id)


@predicate(_l("This proposal is no longer open: it has been answered, withdrawn or merged."))
def is_open(person, proposal):
    return proposal is not None and proposal.state in OPEN_STATES and proposal.hidden_at is None


def edit_window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("PROPOSAL_EDIT_WINDOW_MINUTES", 60)))


@predicate(_l("The time to edit this proposal is over. You can still add a comment or withdraw it."))
def within_edit_window(person, proposal):
    if proposal.state == DRAFT:
        return True
    if proposal.state not in OPEN_STATES or proposal.published_at is None:
        return False
    return utcnow() - proposal.published_at <= edit_window()


@predicate(_l("This proposal is still a draft."))
def is_published(person, proposal):
    return proposal is not None and proposal.state != DRAFT


@predicate(_l("This proposal has not been published yet."))
def visible(person, proposal):
    if proposal.state != DRAFT:
        return True
    return bool(is_author(person, proposal))


can_manage = is_signed_in & (is_admin | has_role("moderator", reason=_l("Only moderators can do this.")))
eligible = meets_eligibility(rule_of)

policies.register("proposal.view", visible | can_manage)
policies.register("proposal.list", always)
policies.register(
    "proposal.create",
    is_signed_in & is_not_blocked
    & phase_allows("propose", _l("This process does not take new proposals in its current phase."))
    & eligible,
)
policies.register("proposal.edit", is_signed_in & is_author & within_edit_window)
policies.register("proposal.withdraw", is_signed_in & is_author & is_published & is_open)
_support = (is_signed_in & is_not_blocked & is_published & is_open
            & phase_allows("support", _l("Supports are closed in the current phase of this process."))
            & eligible)
policies.register("proposal.support", _support)
policies.register(
    "proposal.comment",
    is_signed_in & is_not_blocked & is_published
    & phase_allows("comment", _l("Comments are closed in the current phase of this process.")),
)
policies.register("proposal.unsupport", _support)
policies.register(
    "proposal.translate",
    is_signed_in & is_not_blocked & is_published
    & (is_author | has_role("translator",
                            reason=_l("Only translators and the author can add a translation."))),
)
policies.register("proposal.manage", can_manage)
policies.register("proposal.merge", can_manage)
