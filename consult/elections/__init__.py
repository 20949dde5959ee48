"""Elections of council members by the residents they speak for.

An election belongs to a council and walks a calendar: call, nominations, campaign, voting, counting,
results, appeal window; then the elected members' memberships start with their term and the next candidates
are kept, in order, as substitutes. Ballots are the secret ballots of ``consult.votes`` (the election owns a
poll); the counts (single transferable vote, sequential Phragmén, equal shares) live in
``consult.votes.counting``, free of Flask and of the database. The rules are written in
``services`` and ``policies``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("elections", __name__)

from consult.elections import models, policies, services, views  # noqa: E402,F401


def _election_of_poll(poll):
    from consult.extensions import db

    return db.session.get(models.Election, poll.owner_id)


def _describe(poll):
    from flask import url_for

    election = _election_of_poll(poll)
    if election is None:
        return None
    return election.title, url_for("elections.show", election_id=election.id)


def _export(user) -> dict:
    """For "download my data": the person's candidacies and the nominations they support (never a vote)."""
    import sqlalchemy as sa

    from consult.extensions import db

    stood = db.session.scalars(sa.select(models.Candidacy).where(models.Candidacy.user_id == user.id)).all()
    supported = db.session.scalars(sa.select(models.CandidacySupport.candidacy_id)
                                   .where(models.CandidacySupport.user_id == user.id)).all()
    return {"candidacies": [{"election_id": c.election_id, "name": c.name, "statement": c.statement,
                             "language": c.language, "status": c.status, "result": c.result} for c in stood],
            "supported_candidacies": list(supported)}


def _register():
    from consult.core import personal_data, targets
    from consult.notifications import services as notifications
    from consult.votes.owners import register_owner

    targets.register("election", models.Election)
    targets.register("candidacy", models.Candidacy)
    personal_data.register_exporter("elections", _export)
    register_owner("election", vote_rule="elections.vote", subject=_election_of_poll, describe=_describe)
    notifications.MESSAGES.update({
        "nomination_accepted": _l("Your nomination in “%(title)s” has been accepted."),
        "nomination_refused": _l("Your nomination in “%(title)s” has been refused. The reason is on its "
                                  "page."),
        "election_voting_open": _l("Voting is open in “%(title)s”."),
        "election_results": _l("The results of “%(title)s” are published."),
        "elected": _l("You have been elected in “%(title)s”."),
        "substitute_seated": _l("You take a seat as a substitute elected in “%(title)s”."),
    })


_register()
