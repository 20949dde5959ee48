"""Who may do what in an election.

* ``election.view``: everyone once the call is published; drafts only for those who may see drafts.
* ``election.view_drafts`` / ``election.manage`` (call an election, edit it, publish the call, open voting):
  the council's president or secretary (a seat held today, or a role granted for the council), and admins.
* ``election.stand``: a person not blocked who meets the election's candidacy rule (residence facts only:
  verification, age, district), while nominations are open, once.
* ``candidacy.view``: everyone, for a candidacy of a published election, except refused ones (their reason is
  for the candidate and the organisers).
* ``candidacy.support``: an eligible voter (the voter rule, a stated birth year counting as for proposal
  supports), not the candidate, while nominations are open and the nomination is waiting or accepted.
* ``candidacy.withdraw``: the candidate, until voting starts.
* ``candidacy.translate``: the candidate or a translator (human translations only).
* ``candidacy.review``: the organisers, while the call is published and voting has not started.
* ``elections.vote``: the owner rule of the election's poll (``consult.votes.owners``): voting is open and the
  person meets the voter rule (binding: a birth year recorded by the register or a registrar).
* ``election.count``: the organisers, once voting has closed (count, apply the reserved seats, publish).
* ``election.seat_substitute``: the council's secretary (or an admin), once the results are published.
* ``election.appeal``: a voter or a candidate of the election, while the appeal window is open;
  ``election.decide_appeal``: the organisers, for an appeal not decided yet.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
from consult.core.policy import (
    CONFLICT,
    YES,
    Decision,
    has_role,
    is_admin,
    is_not_blocked,
    is_signed_in,
    policies,
    predicate,
)
from consult.elections.models import (
    ACCEPTED,
    CALLED,
    DRAFT,
    LODGED,
    REFUSED,
    RESULTS,
    SUBMITTED,
    VOTING,
    Candidacy,
    ElectionAppeal,
)
from consult.minutes.permissions import holds_council_office
from consult.residency.policies import meets_eligibility


def election_of(obj):
    """The election an object belongs to (an election, a candidacy), or None."""
    if isinstance(obj, Candidacy | ElectionAppeal):
        return obj.election
    return obj if hasattr(obj, "nominations_open_at") else None


def _council_id(obj):
    election = election_of(obj)
    if election is not None:
        return election.council_id
    return getattr(obj, "id", None) if obj is not None and hasattr(obj, "slug") else None


@predicate(_l("Only the president or the secretary of this council can do this."))
def is_council_officer(person, obj):
    council_id = _council_id(obj)
    return holds_council_office(person, council_id, "president") or holds_council_office(
        person, council_id, "secretary")


@predicate(_l("Only the secretary of this council can do this."))
def is_council_secretary(person, obj):
    return holds_council_office(person, _council_id(obj), "secretary")


organiser = is_signed_in & (is_admin | is_council_officer)


@predicate(_l("This election has not been called yet."))
def is_published(person, obj):
    election = election_of(obj)
    return election is not None and election.status != DRAFT


@predicate()
def nominations_are_open(person, obj):
    election = election_of(obj)
    now = utcnow()
    if election is None or election.status != CALLED or now < election.nominations_open_at:
        return Decision("refused", _l("Nominations are not open yet."))
    if now >= election.nominations_close_at:
        return Decision("refused", _l("Nominations are closed."))
    return YES


def _candidate_rule(obj):
    election = election_of(obj)
    return election.candidate_rule if election is not None else None


def _voter_rule(obj):
    election = election_of(obj)
    return election.voter_rule if election is not None else None


meets_candidate_rule = meets_eligibility(_candidate_rule, binding=True)
meets_voter_rule_to_support = meets_eligibility(_voter_rule)
meets_voter_rule = meets_eligibility(_voter_rule, binding=True)


@predicate(_l("You already stand in this election."), kind=CONFLICT)
def not_standing_yet(person, obj):
    election = election_of(obj)
    return not any(c.user_id == person.id for c in election.candidacies)


@predicate(_l("Only the candidate can do this."))
def is_candidate(person, obj):
    return getattr(person, "is_authenticated", False) and getattr(obj, "user_id", None) == person.id


@predicate(_l("You cannot support your own nomination."))
def is_not_the_candidate(person, obj):
    return getattr(obj, "user_id", None) != getattr(person, "id", None)


@predicate(_l("This nomination no longer takes supporters."))
def takes_supporters(person, obj):
    return isinstance(obj, Candidacy) and obj.status in (SUBMITTED, ACCEPTED)


@predicate(_l("A candidacy can be withdrawn only until voting starts."))
def before_voting(person, obj):
    election = election_of(obj)
    return election is not None and election.status in (DRAFT, CALLED)


@predicate(_l("This candidacy has been withdrawn."))
def still_standing(person, obj):
    return isinstance(obj, Candidacy) and obj.status in (SUBMITTED, ACCEPTED)


@predicate(_l("Nominations are reviewed while the call is published, before voting starts."))
def under_review(person, obj):
    election = election_of(obj)
    return election is not None and election.status == CALLED and obj.status in (SUBMITTED, ACCEPTED, REFUSED)


@predicate(_l("This candidacy is not public."))
def candidacy_is_public(person, obj):
    return obj.status != REFUSED


@predicate()
def voting_is_open(person, obj):
    election = election_of(obj)
    if election is None or election.status != VOTING:
        return Decision("refused", _l("Voting is not open in this election."))
    return YES


@predicate()
def voting_has_closed(person, obj):
    election = election_of(obj)
    if election is None or election.status != VOTING:
        return Decision("refused", _l("Only an election whose voting is open can be counted."))
    if utcnow() < election.voting_closes_at:
        return Decision("refused", _l("Voting has not closed yet: the count starts when it closes."))
    return YES


@predicate(_l("Voting opens once nominations have closed."))
def nominations_closed(person, obj):
    election = election_of(obj)
    return election is not None and election.status == CALLED and utcnow() >= election.nominations_close_at


@predicate(_l("The call of this election is already published."))
def is_draft(person, obj):
    election = election_of(obj)
    return election is not None and election.status == DRAFT


@predicate(_l("This election can no longer be changed: voting has started."))
def is_editable(person, obj):
    election = election_of(obj)
    return election is not None and election.status in (DRAFT, CALLED)


@predicate(_l("The results of this election are not published yet."))
def has_results(person, obj):
    election = election_of(obj)
    return election is not None and election.status == RESULTS


@predicate()
def appeal_window_open(person, obj):
    election = election_of(obj)
    if election is None or election.status != RESULTS:
        return Decision("refused", _l("Appeals can be lodged once the results are published."))
    if utcnow() >= election.appeal_ends_at:
        return Decision("refused", _l("The appeal window is closed."))
    return YES


@predicate(_l("Only voters and candidates of this election can lodge an appeal."))
def stood_in_election(person, obj):
    election = election_of(obj)
    me = getattr(person, "id", None)
    return election is not None and any(c.user_id == me for c in election.candidacies)


@predicate(_l("This appeal has been decided."))
def appeal_is_lodged(person, obj):
    return isinstance(obj, ElectionAppeal) and obj.status == LODGED


translator = has_role("translator", reason=_l("Only translators and the candidate can add a translation."))

policies.register("election.view_drafts", organiser)
policies.register("election.view", is_published | organiser)
policies.register("election.manage", organiser)
policies.register("election.edit", organiser & is_editable)
policies.register("election.publish_call", organiser & is_draft)
policies.register("election.open_voting", organiser & nominations_closed)
policies.register("election.count", organiser & voting_has_closed)
policies.register("election.seat_substitute", is_signed_in & (is_admin | is_council_secretary) & has_results)
policies.register("election.stand", is_signed_in & is_not_blocked & is_published & nominations_are_open
                  & meets_candidate_rule & not_standing_yet)
policies.register("candidacy.view", (is_published & candidacy_is_public) | is_candidate | organiser)
policies.register("candidacy.support", is_signed_in & is_not_blocked & nominations_are_open & takes_supporters
                  & is_not_the_candidate & meets_voter_rule_to_support)
policies.register("candidacy.withdraw", is_signed_in & is_candidate & still_standing & before_voting)
policies.register("candidacy.translate", is_signed_in & (is_candidate | translator) & still_standing)
policies.register("candidacy.review", organiser & under_review)
policies.register("elections.vote", voting_is_open & meets_voter_rule)
policies.register("election.see_results", has_results)
policies.register("election.appeal", is_signed_in & is_not_blocked & appeal_window_open
                  & (stood_in_election | meets_voter_rule_to_support))
policies.register("election.decide_appeal", organiser & appeal_is_lodged)
