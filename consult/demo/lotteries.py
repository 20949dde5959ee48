"""Demo civic lotteries: a citizens' panel of 24 drawn for the welcome debate from a pool of 300 volunteers
(pool closed, the draw done from a published value, acceptances, one replacement, the panel seated), and the
Council of Cultures' two co-opted places, whose pool is open.

The 300 volunteers are fictional verified residents made in bulk (no password: they cannot sign in). A draw's
result depends on its input alone (and the library's version): the demo's two draws are kept in
``lottery_draws.json`` beside this file, by the digest of their input, so that loading the demo does not run
the solver for half a minute; with another version of the library the keys differ and the draws run (then kept
in a temporary folder, ``drawing.draw_cache``). ``flask lotteries redraw`` re-runs them from the open data.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries import creation, drawing, invitations, pools, replacing, seating
from consult.lotteries.models import CUSTOM, NOT_GIVEN, Volunteer
from consult.residency.models import District, ResidentStatus

POOL = 300
SEATS = 24
FIRST_NAMES = [
    "Amina",
    "Luca",
    "Fatima",
    "Giorgio",
    "Mei",
    "Ibrahima",
    "Olena",
    "Paolo",
    "Nadia",
    "Samir",
    "Chiara",
    "Kwame",
    "Rosa",
    "Tariq",
    "Irina",
    "Matteo",
    "Aisha",
    "Joao",
    "Leila",
    "Dmitri",
    "Sara",
    "Moussa",
    "Elena",
    "Ravi",
    "Giulia",
    "Omar",
    "Ana",
    "Yuki",
    "Marta",
    "Bilal",
]
REVEALED = "4 11 23 35 52 67"
LENGTH_QUESTION = "How long have you lived in Porto Aperto?"
LENGTH_REASON = (
    "A debate on welcoming newcomers needs people who arrived recently as well as people who have "
    "lived here for long."
)
LENGTH_ANSWERS = ["Less than 2 years", "2 to 10 years", "More than 10 years"]


def _debate():
    from consult.debates.models import Debate

    return db.session.scalar(sa.select(Debate).where(Debate.title.like("A dignified welcome%")))


def _person(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def _volunteers(rng: random.Random) -> list[tuple[int, int, str]]:
    """(user id, birth year, district id) of 300 fictional verified residents, inserted in bulk."""
    districts = db.session.scalars(sa.select(District).order_by(District.code)).all()
    registrar = _person("registrar")
    users = [
        {
            "username": f"volunteer{n:03d}",
            "display_name": f"{rng.choice(FIRST_NAMES)} {chr(65 + n % 26)}.",
            "password_hash": None,
            "language": rng.choice(["it", "en", "fr", "ar", "es", "pt"]),
        }
        for n in range(1, POOL + 1)
    ]
    ids = list(db.session.scalars(sa.insert(User).returning(User.id, sort_by_parameter_order=True), users))
    now = utcnow()
    people = [(user_id, rng.randint(1945, 2008), rng.choice(districts).id) for user_id in ids]
    db.session.execute(
        sa.insert(ResidentStatus),
        [
            {
                "user_id": user_id,
                "method": "in_person",
                "verified_at": now,
                "verified_by_id": registrar.id,
                "birth_year": birth_year,
                "district_id": district_id,
                "created_at": now,
                "updated_at": now,
            }
            for user_id, birth_year, district_id in people
        ],
    )
    return people


def _welcome_panel(rng: random.Random) -> None:
    debate = _debate()
    organiser = _person("moderator")
    now = utcnow()
    lottery = creation.create_lottery(
        title="Citizens' panel of the welcome debate",
        owner_type="debate",
        owner_id=debate.id,
        seats=SEATS,
        description=(
            "Twenty-four residents drawn by lot sit on stage beside the experts, ask the first "
            "questions and give the closing remarks."
        ),
        pool_opens_at=now - timedelta(days=30),
        pool_closes_at=now - timedelta(days=4),
        draw_at=now - timedelta(days=2),
        random_source=(
            "The six winning numbers of the regional lottery drawn three days after the pool "
            "closes, in increasing order, separated by spaces."
        ),
        by=organiser,
    )
    creation.add_category(
        lottery, name=LENGTH_QUESTION, reason=LENGTH_REASON, values=LENGTH_ANSWERS, by=organiser
    )
    quotas = {}
    for category in lottery.categories:
        for value in category.values:
            if value.key == NOT_GIVEN:
                continue
            if category.kind == "district":
                quotas[value.id] = (3, 7)
            elif category.kind == "age_band":
                quotas[value.id] = (2, 8) if value.age_from == 65 else (4, 9)
            else:
                quotas[value.id] = (5, 12)
    creation.set_quotas(lottery, quotas, by=organiser)

    people = _volunteers(rng)
    codes = {d.id: d.code for d in db.session.scalars(sa.select(District))}
    district_keys = {v.key for v in lottery.categories[0].values}
    question = next(c for c in lottery.categories if c.kind == CUSTOM)
    answers = [v.key for v in question.values]  # the last is "not given"
    rows = []
    for user_id, birth_year, district_id in people:
        age = now.year - birth_year
        band = next(
            (
                v.key
                for v in lottery.categories[1].values
                if v.age_from is not None and v.age_from <= age and (v.age_to is None or age <= v.age_to)
            ),
            NOT_GIVEN,
        )
        district = codes.get(district_id)
        rows.append(
            {
                "lottery_id": lottery.id,
                "user_id": user_id,
                "row_id": f"{rng.getrandbits(48):012x}",
                "answers": {
                    "district": district if district in district_keys else NOT_GIVEN,
                    "age_band": band,
                    question.key: rng.choice(answers),
                },
                "joined_at": now - timedelta(days=rng.randint(5, 29)),
            }
        )
    db.session.execute(sa.insert(Volunteer), rows)
    db.session.flush()

    pools.close_pool(lottery, by=organiser)
    drawn = drawing.draw(lottery, REVEALED, by=organiser)
    by_id = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_([r.user_id for r in drawn])))
    }
    for number, row in enumerate(sorted(drawn, key=lambda r: r.row_id)):
        invitations.reply(lottery, by_id[row.user_id], accept=number != 5)
    for row in replacing.replace(lottery, by=organiser):
        invitations.reply(lottery, db.session.get(User, row.user_id), accept=True)
    seating.seat(lottery, by=organiser)


def _council_places() -> None:
    from consult.councils.models import Council

    council = db.session.scalar(sa.select(Council).order_by(Council.id).limit(1))
    secretary = _person("secretary")
    now = utcnow()
    lottery = creation.create_lottery(
        title="Two co-opted places on the Council of Cultures",
        owner_type="council",
        owner_id=council.id,
        seats=2,
        description="Two residents drawn by lot join the council for a year, with a vote.",
        pool_opens_at=now - timedelta(days=2),
        pool_closes_at=now + timedelta(days=20),
        draw_at=now + timedelta(days=23),
        random_source="The first two winning numbers of the regional lottery drawn three days after the pool "
        "closes.",
        by=secretary,
    )
    for username in ("member", "observer"):
        pools.join(lottery, _person(username), {})


#: the demo's draws, by the digest of their input (see the module's docstring)
KEPT_DRAWS = Path(__file__).with_name("lottery_draws.json")


def load() -> None:
    rng = random.Random(2026)
    if KEPT_DRAWS.is_file():
        drawing.keep_results(json.loads(KEPT_DRAWS.read_text()))
    drawing.draw_cache = drawing.default_draw_cache()
    try:
        _council_places()
        _welcome_panel(rng)
    finally:
        drawing.draw_cache = None
    db.session.flush()
