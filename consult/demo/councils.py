"""Demo: the Council of Cultures of Porto Aperto, the seed's Palermo model ("a municipal council for
migrants").

Seats go to the demo accounts (president, secretary, member, observer) and to a few more residents who speak
for their communities; one former member shows the council's history.
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

COMPOSITION = """Communities and associations of the city each propose a representative for a three-year term.
The council elects its president and its secretary. Observers from the city administration attend without a
vote. Any resident may be proposed, whatever their nationality or status."""

#: (username, display name, role, represents)
EXTRA_MEMBERS = [
    ("fatou", "Fatou", "member", "Senegalese association of Porto Aperto"),
    ("rahel", "Rahel", "member", "Eritrean community"),
    ("dmytro", "Dmytro", "member", "Ukrainian cultural centre"),
    ("maria", "María José", "vice_president", "Latin American women's network"),
]

DEMO_ACCOUNTS = [
    ("president", "president", "Gambian and West African communities"),
    ("secretary", "secretary", "Tunisian association Al Jisr"),
    ("member", "member", "Chinese community of the Porto district"),
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
    for username, name, role, represents in EXTRA_MEMBERS:
        user = accounts.get_user_by_username(username) or accounts.sign_up(username, name, demo_password(),
                                                                           "en")
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
