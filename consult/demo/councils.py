"""Demo: the Council of Cultures of Porto Aperto, the seed's Palermo model ("a municipal council for
migrants").

The members' seats come from the council's 2025 election (``consult.demo.elections``: the demo accounts
president, secretary and member, and a few more residents who speak for their communities, are among the
elected); here the council gets its observer from the city administration, and one former member shows the
council's history.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.councils import services as councils
from consult.extensions import db

SLUG = "council-of-cultures"

PURPOSE = """The Council of Cultures gives a voice in city life to everyone who lives in Porto Aperto,
whatever their nationality. As the city of Palermo did, Porto Aperto cannot change the national law on who
votes for the mayor, so it created a municipal council where residents of foreign origin discuss and decide
together.

Here we discuss migration, the cultures of the people who live here and the countries where they were born,
and we bring proposals to the city council."""

MANDATE = """- Give opinions to the city council on every decision that concerns residents of foreign origin.
- Put on its agenda the proposals of the process *Welcoming city 2027* that reach their threshold.
- Organise every year the city's celebration of **International Migrants Day, 18 December**."""

COMPOSITION = """Twelve members elected for three years by the residents of the city aged 16 or over, whatever
their nationality or status; three seats are reserved for the districts of Collina, Stazione and Lungomare.
The candidates who are not elected are kept, in order, as substitutes. The council elects its president and
its secretary. Observers from the city administration attend without a vote."""

#: seats not given by the election: (username, role, represents)
DEMO_ACCOUNTS = [
    ("observer", "observer", "City department for social affairs"),
]


def load() -> None:
    from consult.demo import demo_password

    council = councils.create_council(
        name="Council of Cultures", slug=SLUG, purpose=PURPOSE, mandate=MANDATE, composition=COMPOSITION,
        contact="consulta.culture@porto-aperto.example · Sala Gialla, town hall, Tuesdays 15:00–18:00",
        quorum_percent=50, convocation_days=5)
    term = date(2025, 3, 1)
    for username, role, represents in DEMO_ACCOUNTS:
        user = accounts.get_user_by_username(username)
        if user is not None:
            councils.add_membership(council, user, role=role, starts_on=term, represents=represents)
    former = accounts.get_user_by_username("samir") or accounts.sign_up("samir", "Samir", demo_password(),
                                                                        "fr")
    councils.add_membership(council, former, role="member", starts_on=date(2022, 3, 1),
                            ends_on=date(2025, 2, 28), represents="Moroccan association")
    _link_process(council)
    db.session.flush()


def _link_process(council) -> None:
    """The process "Welcoming city 2027" sends its qualified proposals to this council."""
    try:
        from consult.processes.models import Process
    except ImportError:
        return
    process = db.session.scalar(sa.select(Process).where(Process.council_id.is_(None)).order_by(Process.id)
                                .limit(1))
    if process is not None:
        process.council_id = council.id
