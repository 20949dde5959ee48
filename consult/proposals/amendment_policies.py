"""Who may do what with amendments (named rules; the services ask them again).

* ``amendment.window``: the proposal's author or its process's organisers (moderators, admins) open or close
  the window in which an open proposal takes amendments.
* ``amendment.create``: while the window is open, a signed-in, unblocked resident who meets the process's
  eligibility rule (residence facts, as for proposing) and is not the proposal's author (who edits it).
* ``amendment.accept`` / ``amendment.reject``: the proposal's author, while the amendment is pending and the
  proposal open; an out-of-date amendment (the text changed since it was written) can only be rejected, so
  that accepting it never undoes a change made meanwhile.
* ``amendment.withdraw``: the amendment's author while it is pending.
* ``amendment.support`` / ``amendment.unsupport``: a signed-in, unblocked, eligible resident, while it is
  pending or after a rejection.
* ``amendment.promote``: the author of a rejected amendment, still eligible, turns it into a proposal (once).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import always, is_not_blocked, is_signed_in, policies, predicate
from consult.proposals.amendments_models import PENDING, REJECTED, SUPPORTABLE, Amendment, window_of
from consult.proposals.models import OPEN_STATES, Proposal
from consult.proposals.policies import can_manage
from consult.proposals.policies import is_author as is_proposal_author
from consult.residency.policies import meets_eligibility


def proposal_of(obj) -> Proposal | None:
    if isinstance(obj, Amendment):
        return obj.proposal
    return obj if isinstance(obj, Proposal) else None


def _rule_of(obj):
    proposal = proposal_of(obj)
    return proposal.process.eligibility_rule if proposal is not None else None


def _signed(person) -> bool:
    return bool(getattr(person, "is_authenticated", False))


@predicate(_l("This proposal is no longer open: it has been answered, withdrawn or merged."))
def proposal_open(person, obj):
    proposal = proposal_of(obj)
    return proposal is not None and proposal.state in OPEN_STATES and proposal.hidden_at is None


@predicate(_l("This proposal does not take amendments now."))
def window_open(person, obj):
    proposal = proposal_of(obj)
    window = window_of(proposal) if proposal is not None else None
    return window is not None and window.is_open()


@predicate(_l("Only the author of the proposal can do this."))
def wrote_proposal(person, obj):
    return bool(is_proposal_author(person, proposal_of(obj)))


@predicate(_l("You wrote this proposal: edit it instead of amending it."))
def not_proposal_author(person, obj):
    return not is_proposal_author(person, proposal_of(obj))


@predicate(_l("Only the author of the amendment can do this."))
def wrote_amendment(person, amendment):
    return _signed(person) and amendment.author_id is not None and amendment.author_id == person.id


@predicate(_l("This amendment has already been decided or withdrawn."))
def is_pending(person, amendment):
    return amendment.state == PENDING


@predicate(_l("This amendment no longer takes supports."))
def supportable(person, amendment):
    return amendment.state in SUPPORTABLE and amendment.hidden_at is None


@predicate(_l("Only a rejected amendment can become a proposal, and only once."))
def promotable(person, amendment):
    return amendment.state == REJECTED and amendment.promoted_to_id is None and amendment.hidden_at is None


@predicate(_l("The proposal's text has changed since this amendment was written: it can only be rejected. "
             "Its author may write a new one against the current text."))
def up_to_date(person, amendment):
    return not amendment.is_out_of_date


@predicate(_l("This amendment is hidden by the moderators."))
def not_hidden(person, amendment):
    return amendment.hidden_at is None


eligible = meets_eligibility(_rule_of)

policies.register("amendment.view", always)
policies.register("amendment.window", is_signed_in & proposal_open & (wrote_proposal | can_manage))
_resident = is_signed_in & is_not_blocked
policies.register("amendment.create",
                  _resident & proposal_open & window_open & not_proposal_author & eligible)
_decide = is_signed_in & wrote_proposal & is_pending & not_hidden & proposal_open
policies.register("amendment.accept", _decide & up_to_date)
policies.register("amendment.reject", _decide)
policies.register("amendment.withdraw", is_signed_in & wrote_amendment & is_pending)
policies.register("amendment.support", _resident & supportable & eligible)
policies.register("amendment.unsupport", _resident & supportable & eligible)
policies.register("amendment.promote", _resident & wrote_amendment & promotable & eligible)
policies.register("amendment.manage", can_manage)
