"""A small lottery for the tests: two districts, 14 verified residents in the pool, 4 seats, quotas."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from consult.core.models import utcnow
from consult.extensions import db as _db
from consult.lotteries import creation, pools
from consult.residency.models import District

#: (district, birth year, answer to the question) of each volunteer
VOLUNTEERS = [
    ("north", 1990, "a1"),
    ("north", 1960, "a2"),
    ("north", 2001, ""),
    ("north", 1985, "a1"),
    ("south", 1999, "a2"),
    ("south", 1950, "a1"),
    ("south", 1975, "a2"),
    ("south", 2003, ""),
    ("north", 1970, "a2"),
    ("south", 1992, "a1"),
    ("north", None, "a1"),
    ("south", 1981, ""),
    ("north", 1966, "a2"),
    ("south", 1995, "a1"),
]
SEATS = 4


def make_lottery(make_user, *, volunteers=VOLUNTEERS, seats=SEATS, commitment=None, owner=("debate", 1)):
    """Organiser (moderator of debate 1), districts, a lottery with a question and quotas, and its pool."""
    from consult.accounts import services as accounts

    districts = {code: District(code=code, name=code.title()) for code in ("north", "south")}
    _db.session.add_all(districts.values())
    _db.session.commit()
    organiser = make_user("organiser", display_name="Organiser")
    accounts.grant_role(organiser, "moderator", scope_type=owner[0], scope_id=owner[1])
    now = utcnow()
    lottery = creation.create_lottery(
        title="Citizens' panel",
        owner_type=owner[0],
        owner_id=owner[1],
        seats=seats,
        pool_opens_at=now - timedelta(days=1),
        pool_closes_at=now + timedelta(days=7),
        draw_at=now + timedelta(days=8),
        random_source="the numbers of the lottery of 12 December",
        commitment=commitment,
        by=organiser,
    )
    creation.add_category(
        lottery,
        name="How long have you lived in the city?",
        reason="Newcomers too.",
        values=["Less than 2 years", "2 years or more"],
        by=organiser,
    )
    values = {(c.key, v.key): v for c in lottery.categories for v in c.values}
    quotas = {
        values[("district", "north")].id: (1, 3),
        values[("district", "south")].id: (1, 3),
        values[("q3", "a1")].id: (1, seats),
        values[("q3", "a2")].id: (1, seats),
    }
    creation.set_quotas(lottery, quotas, by=organiser)
    _db.session.commit()
    people = []
    for number, (district, birth_year, answer) in enumerate(volunteers):
        person = make_user(
            f"volunteer{number}",
            display_name=f"Volunteer {number}",
            verified=True,
            birth_year=birth_year,
            district_id=districts[district].id,
        )
        pools.join(lottery, person, {"q3": answer})
        people.append(person)
    _db.session.commit()
    return SimpleNamespace(lottery=lottery, organiser=organiser, people=people, districts=districts)
