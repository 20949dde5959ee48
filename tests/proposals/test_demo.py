"""The demo process and proposals load through the services and tell the seed's story."""

from __future__ import annotations

import sqlalchemy as sa

from consult.demo import _accounts
from consult.demo import processes as demo_processes
from consult.demo import proposals as demo_proposals
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import Proposal


def test_demo_loads(app, client):
    _accounts()
    demo_processes.load()
    demo_proposals.load()
    db.session.commit()
    process = db.session.scalar(sa.select(Process))
    assert process.title == "Welcoming city 2027"
    assert len(process.themes) == 5 and process.active_phase().kind == "proposals"
    by_title = {p.title: p for p in db.session.scalars(sa.select(Proposal))}
    cards = by_title["A local resident card for everyone who lives in Porto Aperto"]
    assert cards.state == "accepted" and cards.support_count == 3 and cards.qualified_at is not None
    merged = by_title["Citizen debates in every district to tell another story of migration"]
    assert len(merged.sources) == 2
    # resident supported both sources: counted once, plus president, secretary and the translator
    assert merged.support_count == 4
    assert all(s.state == "merged" for s in merged.sources)
    page = client.get(f"/proposals/{merged.id}")
    assert page.status_code == 200
    assert client.get("/proposals").status_code == 200
