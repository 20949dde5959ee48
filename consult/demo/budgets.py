"""Demo: Porto Aperto's "welcome budget" of €500,000 — residents proposed projects in four districts (Centro
Storico, Porto, Collina, Stazione), the city's staff reviewed them (two set aside, with their reasons), 2,400
residents voted on a knapsack ballot in autumn 2025, and the count under both rules (greedy by votes, method
of equal shares: the budget's rule) was published; each funded project became an outcome with its actions,
the first of which are under way.

The budget, its projects and the vote go through the budgets' services, as the people would have done it;
the voters are fictional verified residents, and their ballots (made with the method's own check of a
knapsack ballot) are inserted in bulk, participation and ballot apart as the votes engine keeps them, so the
demo loads fast. The calendar is moved as time would ("time passes"), then written with its 2025 dates.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from consult.accounts.models import User
from consult.accounts.services import get_user_by_username
from consult.core.models import utcnow
from consult.extensions import db
from consult.processes.models import Process
from consult.residency.models import District, ResidentStatus

TITLE = "Welcome budget 2025"
TOTAL = 500_000
VOTERS = 2_400
#: the different ballots of each district's voters
PATTERNS = 120
DESCRIPTION = """Porto Aperto gives **€500,000** of its 2025 budget to projects that make the city more
welcoming, proposed and chosen by its residents, whatever their nationality.

Choose the projects you want, as long as their costs together fit the budget: the page adds them up as you
tick. The method of equal shares decides: each voter's share of the money goes to the projects they chose, so
that every district and every group of residents gets projects it supports. The greedy rule (the most voted
first, as long as the money lasts) is shown beside it."""

#: (title, cost in euros, district code, popularity, proposer, description)
PROJECTS = [
    ("Multilingual welcome desk at the town hall", 60_000, "centro", 9, "resident",
     "A desk open four evenings a week where newcomers get help in six languages: documents, schools, "
     "health, housing."),
    ("Street signs in six languages in the old town", 25_000, "centro", 5, "translator",
     "The main streets, offices and services of the old town signposted in the city's six languages."),
    ("Evening Italian classes in the library", 30_000, "centro", 8, "moderator",
     "Free classes for adults after work, with childcare during the lesson."),
    ("Community kitchen in the old market", 90_000, "centro", 6, "president",
     "A kitchen that associations book to cook and share the dishes of their countries."),
    ("Shade and benches on Piazza del Duomo", 45_000, "centro", 4, "observer",
     "Trees and benches so that older residents and families can stay in the square in summer."),
    ("Free legal advice for newcomers", 40_000, "centro", 7, "secretary",
     "Two lawyers a week answer questions on residence permits, work contracts and rents."),
    ("Festival of the city's cultures", 35_000, "centro", 6, "president",
     "A weekend of music, food and stories from every community, in the old town's squares."),
    ("Accessible toilets near the bus stops", 55_000, "centro", 3, "observer",
     "Clean, accessible public toilets at the two busiest bus stops of the centre."),
    ("Night bus for the harbour workers", 70_000, "porto", 7, "member",
     "A bus between the harbour and the districts after the night shifts, when there is none today."),
    ("New surface for the harbour park's football pitch", 80_000, "porto", 6, "member",
     "The pitch where the harbour's teams and schools play, resurfaced and lit."),
    ("Net-mending workshop as a training school", 50_000, "porto", 3, "member",
     "Old fishermen teach young people a trade the harbour still needs."),
    ("Lockers and showers for seasonal workers", 65_000, "porto", 5, "resident",
     "For the workers who arrive for the season and have nowhere to wash or keep their things."),
    ("A mural by young people on the harbour wall", 15_000, "porto", 4, "translator",
     "Designed and painted by the district's young people with two artists."),
    ("Free Wi-Fi on the harbour square", 20_000, "porto", 5, "member",
     "So that families can call home and children do their homework."),
    ("Homework club at the Porto community centre", 28_000, "porto", 6, "observer",
     "Volunteers and two educators help children every afternoon, in several languages."),
    ("Shaded playground in the hill park", 75_000, "collina", 8, "resident",
     "Swings, a sand pit and shade sails in the park where Collina's families meet."),
    ("Community garden with plots for 40 families", 38_000, "collina", 6, "resident",
     "Plots, water and a tool shed on the empty land behind the school."),
    ("Lights on the hill's stairs and paths", 48_000, "collina", 5, "resident",
     "The stairs between Collina and the centre are dark in winter: residents ask for lights."),
    ("Music room at the youth centre", 42_000, "collina", 4, "resident",
     "Instruments and a sound-proofed room where young people play together."),
    ("Bicycle repair workshop", 18_000, "collina", 3, "moderator",
     "Tools and a mechanic twice a week: repair your bike and learn how."),
    ("Little libraries in six languages", 8_000, "collina", 4, "translator",
     "Book boxes in the streets, with books in the languages the neighbours read."),
    ("Women's swimming hours at the pool", 32_000, "collina", 5, "secretary",
     "Two evenings a week with women lifeguards and instructors."),
    ("Welcome point at the railway station", 55_000, "stazione", 8, "secretary",
     "Where many newcomers arrive: a point with maps, information and someone to talk to."),
    ("Safe bicycle parking at the station", 36_000, "stazione", 4, "member",
     "Covered, locked parking for 200 bicycles."),
    ("Day centre for families waiting for housing", 95_000, "stazione", 6, "secretary",
     "A place to rest, cook and do homework during the day for families in temporary shelters."),
    ("Trees along Via della Stazione", 60_000, "stazione", 4, "observer",
     "Forty trees along the street that leads from the station to the centre."),
    ("Language café in the station district", 22_000, "stazione", 6, "translator",
     "Every week, residents meet to speak each other's languages over a coffee."),
    ("Health information sessions in several languages", 26_000, "stazione", 5, "secretary",
     "Doctors and nurses explain the health service and prevention, with interpreters."),
    ("Covered market stalls for small traders", 85_000, "stazione", 3, "president",
     "Stalls for the district's small traders, many of them new residents."),
    ("Children's reading corner in the station's waiting room", 12_000, "stazione", 4, "moderator",
     "Books and cushions for the children who wait with their families."),
]
#: projects the staff set aside, with the published reason
SET_ASIDE = [
    ("Cable car from the harbour to the hill", 2_400_000, "porto", "resident",
     "A cable car between the harbour and Collina, over the old town.",
     "It costs almost five times the whole budget; the city's transport plan will study it."),
    ("Parking spaces reserved for one building", 20_000, "centro", "observer",
     "Six parking spaces for the residents of Via Roma 12.",
     "The budget funds projects open to everyone; reserved parking is not one of them."),
]
#: the 2025 calendar (UTC)
CALENDAR = {
    "proposing_opens_at": datetime(2025, 3, 3, 8, 0),
    "proposing_closes_at": datetime(2025, 4, 30, 22, 0),
    "review_ends_at": datetime(2025, 7, 15, 22, 0),
    "voting_opens_at": datetime(2025, 9, 15, 7, 0),
    "voting_closes_at": datetime(2025, 10, 5, 20, 0),
}
COUNTED_AT = datetime(2025, 10, 6, 9, 0)
CLOSED_AT = datetime(2025, 10, 10, 11, 0)
RESPONSIBLE = "Welcome office and public works"
#: the first action of the outcomes (design and cost) of the funded projects in this much of the list is done
DONE_SHARE = 0.5


def _user(username: str) -> User | None:
    return get_user_by_username(username)


def load() -> None:
    from consult.budgets import projects, services, voting

    admin, registrar = _user("admin"), _user("registrar")
    process = db.session.scalar(sa.select(Process).order_by(Process.id).limit(1))
    if admin is None or registrar is None or process is None:
        return
    districts = {d.code: d for d in db.session.scalars(sa.select(District))}
    rng = random.Random(2025)
    now = utcnow()
    budget = services.create_budget(
        process, by=admin, title=TITLE, total=TOTAL, description=DESCRIPTION, ballot_kind="knapsack",
        rule="equal_shares")
    services.start_proposing(budget, by=admin)
    made = []
    for title, cost, code, _weight, proposer, text in PROJECTS:
        made.append(_submit(projects, budget, title, cost, districts.get(code), proposer, text, rng))
    aside = [_submit(projects, budget, title, cost, districts.get(code), proposer, text, rng)
             for title, cost, code, proposer, text, _reason in SET_ASIDE]
    services.start_review(budget, by=admin)
    for project in made:
        projects.review_project(project, by=admin, accept=True, cost=project.cost)
    for project, row in zip(aside, SET_ASIDE, strict=True):
        projects.review_project(project, by=admin, accept=False, feasible=row[0] != SET_ASIDE[0][0],
                                reason=row[5])
    budget.voting_closes_at = now.replace(year=now.year + 1)
    db.session.flush()
    poll = voting.open_voting(budget, by=admin)
    _ballots(poll, made, districts, registrar, rng)
    voting.close_voting(budget, by=admin)
    _publish(budget, admin)


def _submit(projects, budget, title, cost, district, proposer, text, rng):
    person = _user(proposer) or _user("resident")
    latitude = longitude = None
    if district is not None and getattr(district, "geometry", None):
        from consult.geo.geometry import random_point_in

        point = random_point_in(district.geometry, rng)
        if point:
            latitude, longitude = point
    return projects.submit_project(budget, person, title=title, description=text, cost=cost,
                                   district=district, latitude=latitude, longitude=longitude)


def _voters(registrar: User, districts: list[District], rng: random.Random) -> list[tuple[int, int]]:
    """Fictional verified residents who vote (inserted in bulk, no password): (user id, district id)."""
    rows = [{"username": f"budgetvoter{n:04d}", "display_name": f"Voter {n}", "password_hash": None,
             "language": rng.choice(["it", "en", "fr", "ar", "es", "pt"])} for n in range(1, VOTERS + 1)]
    ids = list(db.session.scalars(sa.insert(User).returning(User.id, sort_by_parameter_order=True), rows))
    now = utcnow()
    homes = [rng.choice(districts).id for _ in ids]
    db.session.execute(sa.insert(ResidentStatus), [
        {"user_id": user_id, "method": "in_person", "verified_at": now, "verified_by_id": registrar.id,
         "birth_year": rng.randint(1950, 2008), "district_id": home, "created_at": now, "updated_at": now}
        for user_id, home in zip(ids, homes, strict=True)])
    return list(zip(ids, homes, strict=True))


def _choice(rng: random.Random, options: list[tuple[int, int, int, int]], home: int) -> list[int]:
    """One knapsack ballot: projects drawn by popularity (three times more likely in the voter's own
    district) and kept while they fit in the budget, until the voter has chosen what they wanted."""
    pool = list(options)
    wanted = rng.randint(2, 9)
    chosen, spent = [], 0
    while pool and len(chosen) < wanted:
        weights = [w * (3 if district == home else 1) for _o, _c, district, w in pool]
        pick = rng.choices(range(len(pool)), weights=weights)[0]
        option, cost, _district, _w = pool.pop(pick)
        if spent + cost <= TOTAL:
            chosen.append(option)
            spent += cost
    return chosen


def _ballots(poll, made, districts: dict, registrar: User, rng: random.Random) -> None:
    """The voters' participation and their secret ballots, in bulk. Neighbours often choose alike: each
    district's voters share ``PATTERNS`` ballots, each checked once by the method as the ballot page would."""
    from consult.votes import methods
    from consult.votes.casting import new_tracker, spec_for, tracker_hash
    from consult.votes.models import Ballot, Participation

    weight = {title: w for title, _c, _d, w, _p, _t in PROJECTS}
    by_project = {p.id: p for p in made}
    options = [(o.id, by_project[o.target_id].cost, by_project[o.target_id].district_id,
                weight[by_project[o.target_id].title]) for o in poll.options]
    method, spec = methods.get(poll.method), spec_for(poll)
    patterns = {d.id: [methods.encode(method.validate([str(o) for o in sorted(_choice(rng, options, d.id))],
                                                      spec))
                       for _ in range(PATTERNS)] for d in districts.values()}
    participation, ballots = [], []
    for voter_id, home in _voters(registrar, list(districts.values()), rng):
        participation.append({"id": str(uuid.uuid4()), "poll_id": poll.id, "voter_id": voter_id})
        ballots.append({"id": str(uuid.uuid4()), "poll_id": poll.id, "choice": rng.choice(patterns[home]),
                        "tracker_hash": tracker_hash(new_tracker())})
    db.session.execute(sa.insert(Participation), participation)
    db.session.execute(sa.insert(Ballot), ballots)


def _publish(budget, admin) -> None:
    """The 2025 calendar as it was, then the results published and the first actions under way."""
    from consult.budgets import results
    from consult.outcomes import services as outcomes

    for name, value in CALENDAR.items():
        setattr(budget, name, value)
    budget.counted_at = COUNTED_AT
    poll = results.poll_of(budget)
    poll.opens_at = CALENDAR["voting_opens_at"]
    poll.closes_at = poll.closed_at = CALENDAR["voting_closes_at"]
    made = results.publish_results(budget, by=admin, responsible=RESPONSIBLE, due_on=date(2026, 9, 30))
    budget.closed_at = CLOSED_AT
    for outcome in made:
        outcome.decided_on = CLOSED_AT.date()
    for outcome in made[:max(1, int(len(made) * DONE_SHARE))]:
        outcomes.update_action(outcome.actions[0], status="done", progress=100, actor=admin,
                               text="Designed with the residents who proposed it; cost confirmed.")
    db.session.flush()
