"""Demo: the Council of Cultures of Porto Aperto elected in February 2025 — 12 seats for three years, 3 of
them reserved for the districts of Collina, Stazione and Lungomare — by the single transferable vote.

Everything goes through the election services, as the people would have done it: the admin calls the
election, residents stand with a statement in their own language (a translator adds human translations),
other residents support their nominations, the admin accepts them and opens the vote, 192 verified residents
vote online and a polling station's paper slips are typed twice by two people, then the count elects and
seats the members and keeps the next candidates as substitutes. The services only accept steps inside the
calendar, so the calendar moves as time would ("time passes"), and at the end it is written with its real
2025 dates, before the count, so that the elected members' term runs from 1 March 2025 to 29 February 2028.

The elected include the demo accounts of the council's president, secretary and a member (and the council's
other members of ``consult.demo.councils``); the council then gives its president, vice-president and
secretary their roles. The city's observer keeps the seat ``consult.demo.councils`` gives her (observers are
not elected). The voters are fictional residents inserted in bulk, without a password: they cannot sign in.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.elections import services as elections
from consult.extensions import db
from consult.residency.models import District, ResidentStatus

TITLE = "Council of Cultures 2025–2028"
SEATS = 12
DESCRIPTION = """Twelve members of the Council of Cultures are elected for three years by the residents of
Porto Aperto aged 16 or over, whatever their nationality. Three seats are reserved for residents of the
districts of Collina, Stazione and Lungomare, so that the whole city has a voice.

Number the candidates in the order you prefer them. The count follows the Scottish STV rules (Droop quota);
the candidates who are not elected are kept, in order, as substitutes."""

#: the 2025 calendar (UTC): the call in November 2024, the vote in the first half of February 2025, the appeal
#: window until midnight (Rome) of 1 March 2025, when the term starts
CALENDAR = {
    "nominations_open_at": datetime(2024, 11, 11, 8, 0),
    "nominations_close_at": datetime(2024, 12, 13, 18, 0),
    "campaign_starts_at": datetime(2025, 1, 7, 8, 0),
    "voting_opens_at": datetime(2025, 2, 3, 7, 0),
    "voting_closes_at": datetime(2025, 2, 16, 19, 0),
    "results_at": datetime(2025, 2, 17, 11, 0),
    "appeal_ends_at": datetime(2025, 2, 28, 23, 0),
}
CALLED_AT = datetime(2024, 11, 4, 9, 0)

#: (username, display name, language, district, birth year, first preferences, represents, statement) — the
#: first twelve are elected with these ballots; the last six become the substitutes, in the count's order
CANDIDATES = [
    ("president", "Adama", "fr", "centro", 1975, 19, "Gambian and West African communities",
     "Je suis arrivé à Porto Aperto il y a vingt ans. Je veux que le conseil soit un lieu où chaque "
     "communauté est écoutée, et que ses avis arrivent vraiment au conseil municipal."),
    ("secretary", "Mariam", "ar", "stazione", 1988, 18, "Tunisian association Al Jisr",
     "أعيش في حي ستاتسيوني منذ عشر سنوات. أريد مجلسًا ينشر قراراته بكل اللغات، ويتابع كل اقتراح حتى "
     "النهاية."),
    ("member", "Chen", "en", "porto", 1993, 17, "Chinese community of the Porto district",
     "I run a small shop by the harbour. I will work for clear information for new residents: opening "
     "hours, documents, schools, in the languages people speak."),
    ("fatou", "Fatou", "fr", "centro", 1984, 18, "Senegalese association of Porto Aperto",
     "Dans le centre historique, beaucoup de familles ne savent pas à qui s'adresser. Je porterai leurs "
     "questions au conseil."),
    ("rahel", "Rahel", "en", "collina", 1990, 16, "Eritrean community",
     "I want the council to care for young people: sport, school support and a place to meet."),
    ("dmytro", "Dmytro", "en", "porto", 1979, 17, "Ukrainian cultural centre",
     "Culture brings people together. I will propose festivals that the whole city shares."),
    ("maria", "María José", "es", "centro", 1982, 19, "Latin American women's network",
     "Quiero un consejo que escuche a las mujeres y que proponga servicios de cuidado para todas las "
     "familias."),
    ("kwame", "Kwame", "en", "stazione", 1986, 12, "Ghanaian community",
     "Work, housing, health: I will bring these everyday questions to the council."),
    ("leila", "Leila", "fr", "collina", 1995, 11, "Moroccan association",
     "Je veux que les jeunes de Collina participent aux décisions de la ville."),
    ("ravi", "Ravi", "en", "centro", 1981, 10, "Indian and Bangladeshi communities",
     "I will ask for a welcome desk open in the evening, for people who work during the day."),
    ("ioana", "Ioana", "it", "mare", 1987, 9, "Romanian association",
     "Voglio un consiglio vicino ai quartieri, con incontri aperti a tutti ogni mese."),
    ("aminata", "Aminata", "fr", "stazione", 1992, 8, "Malian women's group",
     "Je porterai la voix des mères et des enfants qui arrivent dans notre ville."),
    ("tariq", "Tariq", "ar", "collina", 1985, 5, "Syrian families",
     "أريد أن تكون المعلومات البلدية مفهومة للجميع."),
    ("nadia", "Nadia", "fr", "mare", 1994, 4, "Algerian students",
     "Les étudiants étrangers ont besoin de logements et d'accompagnement."),
    ("bogdan", "Bogdan", "it", "porto", 1976, 3, "Moldovan workers",
     "Lavoro al porto: porterò le domande di chi lavora di notte."),
    ("grace", "Grace", "en", "centro", 1998, 3, "Nigerian youth association",
     "Young people should have a seat where decisions are made."),
    ("hoang", "Hoang", "en", "stazione", 1983, 2, "Vietnamese community",
     "I will work for language classes for adults in every district."),
    ("elif", "Elif", "pt", "collina", 1991, 1, "Brazilian and Portuguese-speaking residents",
     "Quero que as famílias que falam português encontrem informação na sua língua."),
]
#: one voter per first preference above
VOTERS = sum(c[5] for c in CANDIDATES)
#: districts with a reserved seat
RESERVED = ("collina", "stazione", "mare")
#: the council's officers, chosen among the elected at its first sitting
OFFICERS = {"president": "president", "secretary": "secretary", "maria": "vice_president"}
#: human translations by the demo's translator: (candidate, language, statement)
TRANSLATIONS = [
    ("secretary", "en", "I have lived in the Stazione district for ten years. I want a council that "
                        "publishes its decisions in every language and follows each proposal to the end."),
    ("secretary", "it", "Vivo nel quartiere Stazione da dieci anni. Voglio un consiglio che pubblichi le sue "
                        "decisioni in tutte le lingue e segua ogni proposta fino alla fine."),
    ("president", "en", "I came to Porto Aperto twenty years ago. I want the council to be a place where "
                        "every community is heard, and its opinions to really reach the city council."),
    ("maria", "en", "I want a council that listens to women and proposes care services for every family."),
]
#: the paper slips of the town hall's polling station (rankings as candidate usernames; None: a blank slip)
PAPER = [("maria", "fatou"), ("kwame", "president"), ("leila", "rahel"), ("ravi",), ("ioana", "fatou"),
         ("aminata", "secretary"), ("member", "dmytro"), None]


def _user(username: str) -> User | None:
    return accounts.get_user_by_username(username)


def _verify(user: User, registrar: User, district: District, birth_year: int) -> None:
    """A registrar records the residence of a candidate who had not verified it yet (as at the desk); a
    resident verified earlier keeps their record (Fatou's comes from the register, in Centro Storico)."""
    has_status = db.session.scalar(sa.select(sa.exists().where(ResidentStatus.user_id == user.id,
                                                               ResidentStatus.revoked_at.is_(None))))
    if not has_status:
        db.session.add(ResidentStatus(user=user, method="in_person", verified_by_id=registrar.id,
                                      birth_year=birth_year, district_id=district.id))


def _voters(rng: random.Random, registrar: User, districts: list[District]) -> list[User]:
    """Fictional verified residents who vote (inserted in bulk, no password)."""
    rows = [{"username": f"elector{n:03d}", "display_name": f"Elector {n}", "password_hash": None,
             "language": rng.choice(["it", "en", "fr", "ar", "es", "pt"])} for n in range(1, VOTERS + 1)]
    ids = list(db.session.scalars(sa.insert(User).returning(User.id, sort_by_parameter_order=True), rows))
    now = utcnow()
    db.session.execute(sa.insert(ResidentStatus), [
        {"user_id": user_id, "method": "in_person", "verified_at": now, "verified_by_id": registrar.id,
         "birth_year": rng.randint(1950, 2007), "district_id": rng.choice(districts).id, "created_at": now,
         "updated_at": now} for user_id in ids])
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)))


def _rankings(rng: random.Random, candidacies: dict) -> list[list[int]]:
    """One ranking of candidacy ids per voter: the first preferences of ``CANDIDATES``, then a few more
    choices, more often among the well-supported candidates."""
    names = [c[0] for c in CANDIDATES]
    weights = [c[5] for c in CANDIDATES]
    firsts = [name for name, _n, _l, _d, _b, first, _r, _s in CANDIDATES for _ in range(first)]
    rankings = []
    for first in firsts[:VOTERS]:
        ranking = [first]
        for _ in range(rng.randint(1, 5)):
            name = rng.choices(names, weights=weights)[0]
            if name not in ranking:
                ranking.append(name)
        rankings.append([candidacies[name].id for name in ranking])
    return rankings


def load() -> None:
    council = db.session.scalar(sa.select(Council).where(Council.slug == "council-of-cultures"))
    admin, registrar = _user("admin"), _user("registrar")
    if council is None or admin is None or registrar is None:
        return
    rng = random.Random(2025)
    districts = {d.code: d for d in db.session.scalars(sa.select(District))}
    election = _call(council, admin, districts)
    voters = _voters(rng, registrar, list(districts.values()))
    candidacies = _nominations(election, admin, registrar, districts, voters)
    # time passes: nominations close, the admin opens the vote, residents vote online and at the town hall
    election.nominations_close_at = election.campaign_starts_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    poll = elections.open_voting(election, by=admin)
    from consult.votes import services as votes

    option = {o.target_id: o.id for o in poll.options}
    for voter, ranking in zip(voters, _rankings(rng, candidacies), strict=False):
        votes.cast_ballot(poll, voter, [option[cid] for cid in ranking])
    _paper_slips(poll, option, candidacies, registrar, admin)
    _count(election, poll, candidacies, admin)
    _publish_minutes(election)
    db.session.flush()


def _call(council, admin, districts):
    """The admin calls the election (its calendar starts now; it is written with its 2025 dates before the
    count)."""
    now = utcnow()
    days = {"nominations_open_at": -1, "nominations_close_at": 1, "campaign_starts_at": 1,
            "voting_opens_at": 2, "voting_closes_at": 3, "results_at": 3, "appeal_ends_at": 10}
    calendar = {name: now + timedelta(days=n) for name, n in days.items()}
    election = elections.create_election(
        council, title=TITLE, seats=SEATS, term_months=36, calendar=calendar, method="stv",
        description=DESCRIPTION, supporters_needed=3,
        reserved={districts[code].id: 1 for code in RESERVED}, by=admin)
    elections.publish_call(election, by=admin)
    return election


def _nominations(election, admin, registrar, districts, voters) -> dict:
    """Each candidate stands in their own language, residents support them, the admin accepts them, the
    translator translates a few statements."""
    from consult.demo import demo_password

    candidacies = {}
    for username, name, language, district, birth_year, _first, _represents, statement in CANDIDATES:
        person = _user(username) or accounts.sign_up(username, name, demo_password(), language)
        _verify(person, registrar, districts[district], birth_year)
        db.session.flush()
        candidacies[username] = elections.stand(election, person, name=name, statement=statement,
                                                language=language)
    for n, candidacy in enumerate(candidacies.values()):
        for supporter in voters[n * 4:n * 4 + 3 + n % 3]:
            elections.support(candidacy, supporter)
        elections.review(candidacy, admin, accept=True)
    translator = _user("translator")
    if translator is not None:
        for username, language, statement in TRANSLATIONS:
            elections.translate(candidacies[username], translator, language=language, statement=statement)
    return candidacies


def _paper_slips(poll, option, candidacies, registrar, admin) -> None:
    """The town hall's polling station: its slips typed twice, by the registrar and by the admin."""
    from consult.votes import paper_ballots

    batch = paper_ballots.open_batch(poll, station="Town hall (Sala Gialla)", slips=len(PAPER), by=registrar)
    for typist in (registrar, admin):
        for number, slip in enumerate(PAPER, start=1):
            if slip is None:
                paper_ballots.enter_slip(batch, slip=number, kind="blank", by=typist)
            else:
                paper_ballots.enter_slip(batch, slip=number, by=typist,
                                         raw=[option[candidacies[name].id] for name in slip])
    paper_ballots.count_batch(batch, registrar)


def _count(election, poll, candidacies, admin) -> None:
    """Voting closed on 16 February 2025: the calendar as it was, then the count, the seats and the
    substitutes; the council gives its officers their roles."""
    for name, value in CALENDAR.items():
        setattr(election, name, value)
    election.called_at = CALLED_AT
    poll.opens_at, poll.closes_at = CALENDAR["voting_opens_at"], CALENDAR["voting_closes_at"]
    db.session.flush()
    elections.count_and_publish(election, by=admin)
    published = CALENDAR["results_at"] + timedelta(hours=1)
    election.published_at = poll.closed_at = published
    poll.result = dict(poll.result, counted_at=published.isoformat(timespec="seconds"))
    model = type(candidacies["president"])
    db.session.execute(sa.update(model).where(model.election_id == election.id)
                       .values(created_at=CALENDAR["nominations_open_at"] + timedelta(days=3)))
    represents = {c[0]: c[6] for c in CANDIDATES}
    for seat in elections.seats_of(election):
        if seat.membership is None:
            continue
        username = seat.membership.user.username
        seat.membership.represents = represents.get(username, "")
        seat.membership.role = OFFICERS.get(username, seat.membership.role)  # chosen at the first sitting


def _publish_minutes(election) -> None:
    """The council's minutes of the results, drafted by the count, published by the secretary and the
    president."""
    from consult.minutes import services as minutes
    from consult.minutes.models import Minutes

    record = db.session.scalar(sa.select(Minutes).where(Minutes.source_type == "election",
                                                        Minutes.source_id == election.id))
    secretary, president = _user("secretary"), _user("president")
    if record is None or secretary is None or president is None:
        return
    minutes.submit(record, actor=secretary)
    minutes.approve(record, actor=president)
    minutes.publish(record, actor=secretary)
