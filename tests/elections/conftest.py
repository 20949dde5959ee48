"""An election of the Council of Cultures built through the services: officers, districts, residents who stand
and support, and the calendar moved by hand ("time passes") where a test needs the next phase."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from consult.accounts import services as accounts
from consult.core.models import utcnow
from consult.councils import services as councils
from consult.elections import services as elections
from consult.residency.models import District


def calendar(now=None, **shift_days) -> dict:
    """A calendar whose nominations are open now; ``shift_days`` moves single dates."""
    now = now or utcnow()
    dates = {
        "nominations_open_at": now - timedelta(days=1),
        "nominations_close_at": now + timedelta(days=5),
        "campaign_starts_at": now + timedelta(days=5),
        "voting_opens_at": now + timedelta(days=10),
        "voting_closes_at": now + timedelta(days=12),
        "results_at": now + timedelta(days=13),
        "appeal_ends_at": now + timedelta(days=20),
    }
    for name, days in shift_days.items():
        dates[name] = now + timedelta(days=days)
    return dates


@dataclass
class World:
    council: object
    admin: object
    president: object
    secretary: object
    districts: dict = field(default_factory=dict)
    residents: list = field(default_factory=list)
    election: object = None


@pytest.fixture
def world(db, make_user):
    council = councils.create_council(name="Council of Cultures", purpose="Residents of every origin.")
    admin = make_user("admin1", roles=("admin",))
    president = make_user("pres", display_name="Adama", verified=True, birth_year=1970)
    secretary = make_user("secr", display_name="Mariam", verified=True, birth_year=1980)
    start = date.today() - timedelta(days=400)
    councils.add_membership(council, president, role="president", starts_on=start)
    councils.add_membership(council, secretary, role="secretary", starts_on=start)
    districts = {}
    for code in ("centro", "kalsa", "zisa"):
        d = District(code=code, name=code.title())
        db.session.add(d)
        districts[code] = d
    db.session.flush()
    w = World(council=council, admin=admin, president=president, secretary=secretary, districts=districts)
    db.session.commit()
    return w


@pytest.fixture
def residents(world, make_user, db):
    """Ten verified residents aged 30, spread over the three districts (r0..r9)."""
    codes = ("centro", "kalsa", "zisa")
    for n in range(10):
        user = make_user(f"r{n}", display_name=f"Resident {n}", verified=True, birth_year=utcnow().year - 30,
                         district_id=world.districts[codes[n % 3]].id)
        world.residents.append(user)
    return world.residents


@pytest.fixture
def called(world, db):
    """A published call: 3 seats, 24 months, STV, 1 supporter needed, one seat reserved for Zisa."""
    election = elections.create_election(world.council, title="Council of Cultures 2027", seats=3,
                                         term_months=24, calendar=calendar(), supporters_needed=1,
                                         reserved={world.districts["zisa"].id: 1}, by=world.secretary)
    elections.publish_call(election, by=world.secretary)
    db.session.commit()
    world.election = election
    return election


def stand(election, person, statement="I will listen.", language="en"):
    return elections.stand(election, person, name=person.display_name, statement=statement, language=language)


def close_nominations(election, db):
    """Time passes: nominations closed a minute ago."""
    election.nominations_close_at = utcnow() - timedelta(minutes=1)
    election.nominations_open_at = utcnow() - timedelta(days=2)
    election.campaign_starts_at = None
    db.session.flush()


def close_voting(election, db):
    """Time passes: voting closed a second ago (the poll's own window too)."""
    election.voting_closes_at = utcnow() - timedelta(seconds=1)
    poll = elections.poll_of(election)
    poll.closes_at = election.voting_closes_at
    db.session.flush()


@pytest.fixture
def grant(db):
    def give(user, role):
        accounts.grant_role(user, role)
        db.session.commit()

    return give
