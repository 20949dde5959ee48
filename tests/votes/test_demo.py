"""The demo data loads through the services and leaves closed polls with results."""

from __future__ import annotations

import sqlalchemy as sa

from consult.votes import services as votes
from consult.votes.models import Ballot, Poll


def test_demo_votes_load(db, app):
    from consult.demo import _accounts
    from consult.demo import votes as demo

    with app.test_request_context():
        _accounts()
        demo.load()
        db.session.commit()
    polls = db.session.scalars(sa.select(Poll).order_by(Poll.id)).all()
    assert [p.status for p in polls] == ["closed"] * 7 + ["open"]
    from consult.votes import methods

    # one closed poll per method a poll may use on its own (the election methods are the elections demo's)
    elections = {name for name in methods.names() if methods.get(name).elects_several}
    assert {p.method for p in polls if p.status == "closed"} - elections == set(methods.names()) - elections
    assert all(votes.results(p).ballots == 7 for p in polls if p.status == "closed"
               and p.method != "yes_no_abstain")
    card = polls[2]
    result = votes.results(card)
    assert result.verdict == "adopted" and [c["name"] for c in result.channels] == ["online",
                                                                                    "Town hall polling place"]
    assert len(votes.results(polls[0]).rounds) >= 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 7 * 7 + 3
