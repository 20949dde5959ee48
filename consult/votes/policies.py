"""Who may do what with polls.

* ``votes.view``: everyone, once a poll is published (drafts: admins).
* ``votes.vote``: while the poll is open and inside its time window, anyone not blocked whom the poll's owner
  allows (its own named rule, e.g. ``motion.vote``), or, for a poll no module owns, whom its eligibility rule
  allows (binding: a birth year the person stated is not enough); a quick open poll without a rule takes
  everyone, visitors included (a browser key tells them apart). ``casting.cast_ballot`` asks it before
  writing.
* ``votes.see_results``: when the poll shows them (``results.results_visible``).
* ``votes.manage`` / ``votes.enter_paper``: admins (owner modules create theirs through the services).
* ``votes.enter_paper_ballots``: enter whole paper ballots twice (``paper_ballots``): registrars and admins,
  or the officials the poll's owner allows with its own rule, once a poll whose method counts whole ballots
  is published.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
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
from consult.residency.policies import check_rule
from consult.votes.models import STATUS_CLOSED, STATUS_DRAFT
from consult.votes.owners import owner_allows_paper, owner_decision
from consult.votes.paper_counts import takes_paper_ballots
from consult.votes.results import results_visible
from consult.votes.services import is_within_window


@predicate(_l("This poll is not published yet."))
def is_published(person, poll):
    return poll is None or poll.status != STATUS_DRAFT or bool(is_admin(person, poll))


@predicate()
def takes_votes(person, poll):
    """The poll is open and inside its time window, with the reason when it is not."""
    if poll is None or poll.status == STATUS_DRAFT:
        return Decision("refused", _l("This poll is not open yet."))
    if poll.status == STATUS_CLOSED:
        return Decision("refused", _l("This poll is closed."))
    if not is_within_window(poll):
        if poll.closes_at is not None and utcnow() >= poll.closes_at:
            return Decision("refused", _l("Voting time is over for this poll."))
        return Decision("refused", _l("Voting has not started yet."))
    return YES


@predicate()
def may_vote_in(person, poll):
    """The owner's rule for its polls; otherwise the poll's eligibility rule (none: a quick open poll)."""
    decision = owner_decision(poll, person)
    if decision is not None:
        return decision
    if poll.mode == "open" and poll.rule is None:
        return YES
    return check_rule(person, poll.rule)


@predicate(_l("The results of this poll are shown when it closes."))
def shows_results(person, poll):
    return poll is None or results_visible(poll)


policies.register("votes.view", is_published)
policies.register("votes.vote", takes_votes & is_not_blocked & may_vote_in)
@predicate(_l("Paper ballots are entered one by one only for ranked and approval-based elections and polls."))
def counts_whole_ballots(person, poll):
    return poll is not None and poll.status != STATUS_DRAFT and takes_paper_ballots(poll)


@predicate(_l("Only registrars and the officials of this vote can enter paper ballots."))
def owner_allows_paper_entry(person, poll):
    return owner_allows_paper(poll, person)


policies.register("votes.see_results", shows_results)
policies.register("votes.manage", is_signed_in & is_admin)
policies.register("votes.enter_paper", is_signed_in & is_admin)
policies.register("votes.enter_paper_ballots",
                  is_signed_in & is_not_blocked & counts_whole_ballots
                  & (is_admin | has_role("registrar") | owner_allows_paper_entry))
