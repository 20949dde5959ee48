"""Factories for processes and proposals: a process with an open proposals phase, and published proposals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.core.models import utcnow
from consult.extensions import db as _db
from consult.processes import services as processes
from consult.proposals import services as proposals
from consult.residency.models import District, EligibilityRule


@pytest.fixture
def admin(make_user):
    return make_user("admin1", roles=("admin",))


@pytest.fixture
def make_process(db, admin):
    """``make_process(kind="proposals", capabilities=None, threshold=3, rule=True)``: a process whose phase
    ``kind`` is active now (from yesterday to next month)."""

    def factory(*, kind="proposals", capabilities=None, threshold=3, rule=True, title="Welcoming city",
                themes=("Stakeholders", "Co-construction"), district_ids=()):
        elig = None
        if rule:
            elig = EligibilityRule(name="Verified residents aged 16 or over", min_level="verified",
                                   min_age=16)
            db.session.add(elig)
            db.session.flush()
        process = processes.create_process(actor=admin, title=title, description="About **welcome**.",
                                           themes=themes, district_ids=district_ids, rule=elig,
                                           support_threshold=threshold)
        now = utcnow()
        processes.add_phase(process, actor=admin, kind="information", starts_at=now - timedelta(days=10),
                            ends_at=now - timedelta(days=1))
        processes.add_phase(process, actor=admin, kind=kind, starts_at=now - timedelta(days=1),
                            ends_at=now + timedelta(days=30), capabilities=capabilities)
        db.session.commit()
        return process

    return factory


@pytest.fixture
def process(make_process):
    return make_process()


@pytest.fixture
def district(db):
    d = District(code="centro", name="Centro")
    db.session.add(d)
    db.session.commit()
    return d


@pytest.fixture
def resident(make_user):
    return make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)


@pytest.fixture
def make_resident(make_user):
    def factory(**kwargs):
        kwargs.setdefault("verified", True)
        kwargs.setdefault("birth_year", 1990)
        return make_user(**kwargs)

    return factory


@pytest.fixture
def make_proposal(db):
    """``make_proposal(process, author, title=..., publish=True)``: a proposal made through the services."""

    def factory(process, author, *, title="Resident cards for everyone",
                body="A card for **every** resident.", language="en", theme=None, publish=True, upload=None):
        proposal = proposals.create_draft(process, author, title=title, body=body, language=language,
                                          theme_id=theme.id if theme else None, upload=upload)
        if publish:
            proposals.publish(proposal, author)
        _db.session.commit()
        return proposal

    return factory
