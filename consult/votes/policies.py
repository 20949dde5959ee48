"""Who may do what with polls. Voting itself is decided by ``services.voter_decision`` (owner hook or the
poll's eligibility rule), so the rule exists once and the service enforces it even without a view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import Decision, Predicate, is_admin, is_signed_in, policies


def _vote(person, poll):
    from consult.votes.services import voter_decision

    return voter_decision(poll, person, anon_key="browser" if poll is not None and poll.mode == "open" else None)


def _view(person, poll):
    if poll is None or poll.status != "draft":
        return True
    return bool(is_admin(person, poll))


def _results(person, poll):
    from consult.votes.services import results_visible

    if poll is None or results_visible(poll):
        return True
    return Decision("refused", _l("The results of this poll are shown when it closes."))


can_vote = Predicate(_vote, "votes.can_vote")
policies.register("votes.view", Predicate(_view, "votes.view", _l("This poll is not published yet.")))
policies.register("votes.vote", can_vote)
policies.register("votes.see_results", Predicate(_results, "votes.see_results"))
#: polls are created and run by admins for now; owner modules create theirs through the services
policies.register("votes.manage", is_signed_in & is_admin)
policies.register("votes.enter_paper", is_signed_in & is_admin)
