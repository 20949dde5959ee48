"""The demo's amendments: one accepted (its author credited on the proposal's page), one rejected with a
reason and supported, one waiting for the decision on a proposal the moderators opened for amendment."""

from __future__ import annotations

import sqlalchemy as sa

from consult.demo import load_demo
from consult.extensions import db as _db
from consult.proposals.amendments_models import Amendment, ProposalVersion
from tests.helpers import text_of


def test_the_demo_amendments_tell_the_story(db, client):
    load_demo(progress=False)
    db.session.commit()
    states = dict(_db.session.execute(sa.select(Amendment.state, sa.func.count())
                                      .group_by(Amendment.state)).all())
    assert states == {"accepted": 1, "rejected": 1, "pending": 1}
    accepted = _db.session.scalar(sa.select(Amendment).where(Amendment.state == "accepted"))
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ProposalVersion)) == 2
    page = client.get(f"/proposals/{accepted.proposal_id}")
    assert "Amended by Yusuf" in text_of(page)
    pending = _db.session.scalar(sa.select(Amendment).where(Amendment.state == "pending"))
    assert pending.support_count == 1 and not pending.is_out_of_date
    assert client.get(f"/amendments/{pending.id}").status_code == 200
