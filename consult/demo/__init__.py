"""Demo data for ``make run``: the seed's story in the fictional city of Porto Aperto.

Everything is created through the services, as a person or a registrar would. Each domain adds its part in
``consult/demo/<domain>.py``; ``load_demo`` runs them in order.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.extensions import db
from consult.residency.models import District, ResidentStatus

DISTRICTS = [
    ("centro", "Centro Storico"),
    ("porto", "Porto"),
    ("collina", "Collina"),
    ("stazione", "Stazione"),
    ("mare", "Lungomare"),
]

#: (username, display name, language, platform roles, verified?, birth year, district, what they show in the
#: demo)
ACCOUNTS = [
    ("admin", "Platform admin", "en", ("admin",), False, None, None, "platform admin"),
    ("registrar", "Giulia (registrar)", "it", ("registrar",), False, None, None, "registrar"),
    ("moderator", "Karim (moderator)", "fr", ("moderator",), True, 1980, "centro",
     "debate moderator, content moderator"),
    ("translator", "Lucía", "es", ("translator",), True, 1991, "porto", "translator"),
    ("president", "Adama", "fr", (), True, 1975, "centro", "council of cultures: president"),
    ("secretary", "Mariam", "ar", (), True, 1988, "stazione", "council of cultures: secretary"),
    ("member", "Chen", "en", (), True, 1993, "porto", "council of cultures: member"),
    ("observer", "Ana", "pt", (), True, 2001, "mare", "council of cultures: observer"),
    ("resident", "Yusuf", "ar", (), True, 1999, "collina", "verified resident (proposes, supports, votes)"),
    ("newcomer", "Sofía", "es", (), False, None, None, "signed up, not yet verified"),
]


def demo_password() -> str:
    return current_app.config.get("DEMO_PASSWORD", "consult-demo")


def _accounts():
    districts = {code: District(code=code, name=name) for code, name in DISTRICTS}
    db.session.add_all(districts.values())
    db.session.flush()
    registrar = None
    for username, name, language, roles, verified, birth_year, district, _ in ACCOUNTS:
        user = accounts.sign_up(username, name, demo_password(), language)
        for role in roles:
            accounts.grant_role(user, role)
        if username == "registrar":
            registrar = user
        if verified:
            db.session.add(ResidentStatus(user=user, method="in_person", verified_by_id=registrar.id,
                                          birth_year=birth_year, district_id=districts[district].id))
    db.session.flush()


def _steps():
    """The accounts, then each ``consult/demo/<domain>.py``'s ``load()`` in this order."""
    from consult.demo import (
        amendments,
        budgets,
        comments,
        councils,
        debates,
        elections,
        geo,
        lotteries,
        meetings,
        minutes,
        moderation,
        outcomes,
        processes,
        proposals,
        residency,
        surveys,
        votes,
    )

    steps = (residency, processes, proposals, geo, comments, moderation, votes, councils, elections, meetings,
             debates, minutes, outcomes, lotteries, amendments, budgets)
    steps += (surveys,)  # answered by the lottery's volunteers
    return [("accounts", _accounts)] + [(step.__name__.rpartition(".")[2], step.load) for step in steps]


def load_demo(*, if_empty: bool = False, progress: bool = True):
    """Run every demo step; returns the demo accounts (username, role) or None when skipped."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return None
    with click.progressbar(_steps(), label="Loading demo data", show_pos=True,
                           item_show_func=lambda s: s[0] if s else "",
                           file=None if progress else _Null()) as bar:
        for _name, step in bar:
            step()
    return [(a[0], a[7]) for a in ACCOUNTS]


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False
