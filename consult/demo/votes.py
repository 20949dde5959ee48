"""Demo polls: a closed vote with results in each of the seven methods, one with a paper channel, and one open
poll.

Everything goes through the vote services, as residents and officials would. The demo accounts are looked up
by username (the verified ones vote).
"""

from __future__ import annotations

from datetime import timedelta

from consult.accounts.services import get_user_by_username
from consult.core.models import utcnow
from consult.extensions import db
from consult.votes import services as votes

VOTERS = ("resident", "member", "president", "secretary", "observer", "moderator", "translator")

PRIORITIES = [
    "A resident card for everyone who lives in the city",
    "A map of welcoming places and services",
    "Citizen debates on another story of migration",
    "A yearly day of welcome",
    "A fair share of resources for reception between state and city",
]


def _people():
    return [p for p in (get_user_by_username(name) for name in VOTERS) if p is not None]


def _cast_all(poll, ballots):
    for person, choice in zip(_people(), ballots, strict=False):
        votes.cast_ballot(poll, person, choice)


def load() -> None:
    admin = get_user_by_username("admin")
    now = utcnow()

    ranked = votes.create_poll(
        question="Welcoming city 2027: which proposal for action should the city start with?",
        method="ranked_irv", options=PRIORITIES, created_by=admin,
        description="Rank the proposals that came out of the workshops. The first one to win a majority is "
                    "started in 2027; the others follow in this order.",
        closes_at=now + timedelta(days=14))
    votes.open_poll(ranked, by=admin)
    o = [opt.id for opt in ranked.options]
    _cast_all(ranked, [[o[0], o[2]], [o[1], o[0]], [o[0]], [o[2], o[1], o[0]], [o[3], o[2]], [o[2], o[0]],
                       [o[1], o[2]]])
    votes.close_poll(ranked, by=admin)

    schulze = votes.create_poll(question="The same priorities, compared two by two (Schulze)",
                                method="schulze", options=PRIORITIES, created_by=admin)
    votes.open_poll(schulze, by=admin)
    s = [opt.id for opt in schulze.options]
    _cast_all(schulze, [[s[0], s[2]], [s[1], s[0]], [s[0]], [s[2], s[1], s[0]], [s[3], s[2]], [s[2], s[0]],
                        [s[1], s[2]]])
    votes.close_poll(schulze, by=admin)

    card = votes.create_poll(
        question="Should the city issue a local resident card, valid whatever your nationality?",
        method="yes_no_abstain", options=[], quorum=5, majority="absolute", created_by=admin,
        description="A card that proves you live here: for the library, public transport and local services.")
    votes.open_poll(card, by=admin)
    _cast_all(card, ["yes", "yes", "no", "yes", "abstain", "yes", "no"])
    codes = {opt.code: str(opt.id) for opt in card.options}
    votes.record_paper_tally(card, channel="Town hall polling place",
                             counts={codes["yes"]: 41, codes["no"]: 12, codes["abstain"]: 4}, blank=2,
                             invalid=1, by=admin)
    votes.close_poll(card, by=admin)

    budget = votes.create_poll(question="Share 10 points between the welcome projects for 2027",
                               method="points",
                               options=["Language café", "Welcome desk at the station", "Night of cultures"],
                               points_budget=10, created_by=admin)
    votes.open_poll(budget, by=admin)
    b = [str(opt.id) for opt in budget.options]
    _cast_all(budget, [{b[0]: 5, b[1]: 5}, {b[1]: 10}, {b[0]: 3, b[2]: 7}, {b[0]: 4, b[1]: 4, b[2]: 2},
                       {b[2]: 10}, {b[0]: 6, b[1]: 4}, {b[1]: 8, b[2]: 2}])
    votes.close_poll(budget, by=admin)

    desk = votes.create_poll(question="Where should the first welcome desk open?", method="single",
                             options=["Central station", "Town hall", "Porto market", "Collina library"],
                             created_by=admin,
                             description="One choice. The desk gives information in several languages and "
                                         "helps newcomers with their first steps in the city.")
    votes.open_poll(desk, by=admin)
    d = [str(opt.id) for opt in desk.options]
    _cast_all(desk, [d[0], d[0], d[1], d[0], d[3], d[2], d[0]])
    votes.close_poll(desk, by=admin)

    services = votes.create_poll(
        question="How well does Porto Aperto welcome newcomers today? Score each service from 0 to 5",
        method="score", options=["Information in several languages", "Housing help", "Language courses",
                                 "Access to the city's consultations"], created_by=admin)
    votes.open_poll(services, by=admin)
    v = [str(opt.id) for opt in services.options]
    _cast_all(services, [{v[0]: 2, v[1]: 1, v[2]: 4, v[3]: 3}, {v[0]: 1, v[1]: 0, v[2]: 5, v[3]: 2},
                         {v[0]: 3, v[1]: 1, v[2]: 4, v[3]: 1}, {v[0]: 2, v[1]: 2, v[2]: 3, v[3]: 4},
                         {v[0]: 1, v[1]: 0, v[2]: 4, v[3]: 2}, {v[0]: 2, v[1]: 1, v[2]: 5, v[3]: 3},
                         {v[0]: 0, v[1]: 1, v[2]: 3, v[3]: 2}])
    votes.close_poll(services, by=admin)

    website = votes.create_poll(question="Which languages should the city website speak first? (up to three)",
                                method="approval",
                                options=["Arabic", "English", "French", "Spanish", "Ukrainian",
                                         "Wolof"], max_choices=3, created_by=admin)
    votes.open_poll(website, by=admin)
    w = [str(opt.id) for opt in website.options]
    _cast_all(website,
              [[w[0], w[1], w[2]], [w[0], w[4]], [w[1], w[2], w[5]], [w[0], w[2]], [w[0], w[3], w[4]],
               [w[2], w[5]], [w[0], w[1]]])
    votes.close_poll(website, by=admin)

    # a named vote, like a date poll: its running count shows (a secret ballot's never does before it closes)
    evening = votes.create_poll(question="Which evening suits you for the next open council session?",
                                method="approval", options=["Monday", "Wednesday", "Thursday"], max_choices=2,
                                mode="named", results_before_close=True, created_by=admin,
                                closes_at=now + timedelta(days=30))
    votes.open_poll(evening, by=admin)
    e = [str(opt.id) for opt in evening.options]
    _cast_all(evening, [[e[0], e[1]], [e[1]], [e[1], e[2]]])
    db.session.flush()
