"""A process of the demo city with a city-wide budget and a district budget, built through the services:
an admin (the organiser), districts, verified residents in them, and a proposal to promote."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from consult.budgets import projects as budget_projects
from consult.budgets import services as budgets
from consult.core.models import utcnow
from consult.processes import services as processes
from consult.residency.models import District


def calendar(now=None, **shift_days) -> dict:
    """Proposals open now, review after, voting from day 10 to day 20; ``shift_days`` moves single dates."""
    now = now or utcnow()
    dates = {"proposing_opens_at": now - timedelta(days=1), "proposing_closes_at": now + timedelta(days=5),
             "review_ends_at": now + timedelta(days=8), "voting_opens_at": now + timedelta(days=10),
             "voting_closes_at": now + timedelta(days=20)}
    for name, days in shift_days.items():
        dates[name] = None if days is None else now + timedelta(days=days)
    return dates


@dataclass
class World:
    process: object
    admin: object
    districts: dict = field(default_factory=dict)
    residents: list = field(default_factory=list)


@pytest.fixture
def world(db, make_user):
    admin = make_user("organiser", roles=("admin",))
    districts = {}
    for code in ("centro", "kalsa", "zisa"):
        d = District(code=code, name=code.title())
        db.session.add(d)
        districts[code] = d
    db.session.flush()
    process = processes.create_process(actor=admin, title="Welcoming city 2027",
                                       description="How we welcome newcomers.")
    db.session.commit()
    w = World(process=process, admin=admin, districts=districts)
    codes = ("centro", "kalsa", "zisa")
    for n in range(6):
        w.residents.append(make_user(f"r{n}", display_name=f"Resident {n}", verified=True,
                                     birth_year=utcnow().year - 30, district_id=districts[codes[n % 3]].id))
    return w


@pytest.fixture
def budget(world, db):
    """A city-wide knapsack budget of €100,000 taking proposals now."""
    b = budgets.create_budget(world.process, by=world.admin, title="Welcome budget", total=100_000,
                              description="Projects for **newcomers**.", calendar=calendar())
    budgets.start_proposing(b, by=world.admin)
    db.session.commit()
    return b


@pytest.fixture
def reviewed(world, budget, db):
    """Three projects submitted by residents, two accepted (40,000 and 70,000), one set aside; in review."""
    made = []
    for n, (title, cost) in enumerate((("Language café", 40_000), ("Welcome desk", 60_000),
                                        ("Bike school", 30_000))):
        made.append(budget_projects.submit_project(budget, world.residents[n], title=title,
                                                   description=f"{title} for newcomers.", cost=cost))
    budgets.start_review(budget, by=world.admin)
    budget_projects.review_project(made[0], by=world.admin, accept=True)
    budget_projects.review_project(made[1], by=world.admin, accept=True, cost=70_000)
    budget_projects.review_project(made[2], by=world.admin, accept=False, feasible=False,
                                   reason="The city already runs one.", note="Ask the sports office.")
    db.session.commit()
    return made
