"""The civic half of ``flask demo generate``: councils with years of sessions and minutes, polls with their
ballots and results, and citizen debates.

Where there are tens or hundreds of objects (councils, sessions, motions, minutes, polls' opening and closing,
debates) the real services are called, on a clock set back to the day the thing happened (the meetings
services take ``now=``; the debate services read a clock this module sets, as ``consult/demo/debates.py``
does). Where there are many rows, they are bulk-inserted, keeping every invariant of the services:

* ballots carry no voter and no time; voters and ballots are drawn independently and ballots are shuffled
  before insertion, so neither the rows nor their order link a ballot to a person; one participation row per
  voter and poll, and as many ballots as participations in every poll; every ballot's choice is the method's
  canonical text (``validate`` then ``encode``) and its tracker hash is the hash of a well-formed tracker;
* closed polls are counted by the engine's own ``close_poll`` after their ballots are in, so the stored result
  is what a fresh tally gives;
* named motion votes are rows of voting members present in the room; secret motions go through the votes
  engine's participation/ballot tables like any secret poll; show-of-hands counts never exceed the room;
* question likes are one row per participant and question, never the author's, and the ``likes`` counter
  equals the rows.

Past things are dated in the past: timestamps the services set to "now" (minutes published, polls closed) are
set back to the day they happened, before the object is locked where a rule locks it, or with one plain UPDATE
of the timestamps only afterwards (published minutes: their text and record are never touched).
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from consult.demo.debates import demo_clock
from consult.extensions import db

THEMES = ("welcome", "housing", "language", "school", "work", "health", "culture", "resident card",
          "anti-rumour")

#: per theme: agenda items (title, description), motions, poll questions with options, debate titles,
#: public questions, outcome actions
TEXT = {
    "welcome": {
        "items": [("Welcome desk at the station", "Opening hours, languages spoken and who staffs the desk."),
                  ("A welcome guide for newcomers",
                   "A short guide to the city's services, in several languages."),
                  ("Welcome day for new residents",
                   "A yearly day when the city welcomes everyone who arrived.")],
        "motions": ["Ask the city to keep the welcome desk at the station open on Saturday mornings.",
                    "Publish the welcome guide in the ten languages most spoken in the city.",
                    "Hold a welcome day for new residents every September, with the associations."],
        "polls": [("Where should the next welcome point open?",
                   ["Central station", "Town hall", "Market square",
                     "Public library", "Harbour district"]),
                  ("Which service should the welcome desk offer first?",
                   ["Help with housing", "Language courses",
                    "Help with health care",
                    "Help finding work"])],
        "debates": ["A dignified welcome: who does what in our city?", "The first week in a new city"],
        "questions": ["Can the welcome desk stay open in the evening for people who work during the day?",
                      "Who answers the phone when someone arrives at night?",
                      "Can newcomers be paired with a neighbour who has lived here for years?"],
        "actions": ["Open the welcome desk on Saturdays", "Print the welcome guide"],
    },
    "housing": {
        "items": [("Access to social housing", "Waiting times and the documents asked of applicants."),
                  ("Discrimination in private rentals", "Testimonies collected by the associations."),
                  ("Emergency shelter in winter", "Places available and how people are told about them.")],
        "motions": ["Ask the housing office to accept every proof of residence, not only a rental contract.",
                    "Create a housing help line with interpreters, two afternoons a week.",
                    "Ask for a yearly report on discrimination in rentals, district by district."],
        "polls": [("What should the housing plan do first?", ["More social housing", "A rent guarantee fund",
                                                             "A mediation service for tenants",
                                                             "Renovate empty buildings"]),
                  ("Should the city open a public rental agency?", [])],
        "debates": ["Finding a home when your name sounds foreign", "Empty buildings, waiting families"],
        "questions": ["Why does the housing office ask for documents that newcomers cannot have?",
                      "Can the city stand surety for young workers who rent for the first time?",
                      "How many empty flats does the city own?"],
        "actions": ["Accept every proof of residence at the housing office", "Start the housing help line"],
    },
    "language": {
        "items": [("Free language courses", "Courses for adults in the evening and at weekends."),
                  ("Interpreters in public offices", "How often offices call an interpreter, and who pays."),
                  ("Mother tongues at school", "Afternoon classes in the languages spoken at home.")],
        "motions": ["Offer free evening language courses in every district.",
                    "Give every public office access to a telephone interpreter.",
                    "Support afternoon classes in the mother tongues of pupils."],
        "polls": [("When should the free language courses take place?",
                   ["Weekday mornings", "Weekday evenings",
                     "Saturday", "Online"]),
                  ("Which languages should the city's website add next?", ["Arabic", "Ukrainian", "Tigrinya",
                                                                           "Bengali", "Spanish", "Wolof"])],
        "debates": ["Speaking the city's language, keeping your own", "Interpreters: a right or a favour?"],
        "questions": ["Is there a course for parents while the children are at school?",
                      "Could the library lend books in Tigrinya and Wolof?",
                      "Who pays the interpreter at the hospital?"],
        "actions": ["Open evening language courses", "Sign the telephone interpreting contract"],
    },
    "school": {
        "items": [("Enrolment of children who arrive during the year",
                   "How long families wait for a school place."),
                  ("Parents and teachers", "Meetings with interpreters for parents."),
                  ("School canteen menus", "Menus that every family can accept.")],
        "motions": ["Ask that every child who arrives during the year gets a school place within two weeks.",
                    "Offer an interpreter at parent-teacher meetings when parents ask for one.",
                    "Offer a vegetarian menu every day in school canteens."],
        "polls": [("What would help pupils who have just arrived the most?", ["A welcome class", "A tutor",
                                                                                "Homework help",
                                                                                "A buddy pupil"]),
                  ("Should school canteens offer a vegetarian menu every day?", [])],
        "debates": ["One school for every child", "Parents who do not speak the language of the school"],
        "questions": ["How long does a family wait for a school place in the middle of the year?",
                      "Can older pupils help newcomers with homework?",
                      "Are school letters translated for the parents?"],
        "actions": ["Set a two-week limit for school enrolment", "Train teachers to work with interpreters"],
    },
    "work": {
        "items": [("Recognition of diplomas", "Help for people whose qualifications come from abroad."),
                  ("Jobs at the town hall", "Who can apply, and how the posts are advertised."),
                  ("Seasonal workers", "Housing and transport for the summer harvest.")],
        "motions": ["Open an office that helps people have their diplomas recognised.",
                    "Advertise the town hall's jobs in the associations' newsletters.",
                    "Run a night bus for seasonal workers during the harvest."],
        "polls": [("Which help to find work matters most?", ["Recognition of diplomas", "Job fairs",
                                                              "Training courses",
                                                              "Childcare during training"]),
                  ("Should the city run a job fair with the associations every spring?", [])],
        "debates": ["Engineers who drive taxis: wasted talents", "Work, papers and dignity"],
        "questions": ["How long does it take to have a nursing diploma recognised?",
                      "Can the town hall offer internships to young people who arrived recently?",
                      "Who controls the housing of seasonal workers?"],
        "actions": ["Open the diploma recognition office", "Organise the spring job fair"],
    },
    "health": {
        "items": [("Access to a family doctor", "People who cannot find a doctor who takes new patients."),
                  ("Health mediators", "Mediators who speak the patients' languages."),
                  ("Mental health after migration",
                   "Support for people who lived through war or the journey.")],
        "motions": ["Fund two health mediators at the hospital.",
                    "Ask the health centre to keep one afternoon a week without an appointment.",
                    "Open a listening service for people who lived through war or exile."],
        "polls": [("What should the new health centre offer first?", ["Consultations without appointment",
                                                                       "Health mediators",
                                                                       "Psychological support",
                                                                       "Vaccinations for children"]),
                  ("Should the city fund health mediators at the hospital?", [])],
        "debates": ["Health care for everyone who lives here", "After the journey: mental health and exile"],
        "questions": ["Can a person without a family doctor go to the health centre?",
                      "Do the health mediators speak Arabic and Farsi?",
                      "Is there support for children who saw the war?"],
        "actions": ["Recruit two health mediators", "Open the walk-in afternoon at the health centre"],
    },
    "culture": {
        "items": [("International Migrants Day, 18 December", "The programme with the associations."),
                  ("Festival of cultures", "The summer festival in the market square."),
                  ("Exhibitions in the library", "Stories and photographs of the city's residents.")],
        "motions": ["Celebrate International Migrants Day every 18 December in a public session.",
                    "Give the festival of cultures a three-year budget.",
                    "Lend the library's hall to the associations free of charge."],
        "polls": [("Which event should the festival of cultures open with?", ["A concert", "A shared meal",
                                                                                "A parade",
                                                                                "A storytelling night"]),
                  ("Which exhibition should the library host next year?", ["Snapshots from the borders",
                                                                            "Kitchens of the world",
                                                                            "Our grandparents' cities",
                                                                            "Songs of departure"])],
        "debates": ["Telling a different story about migration", "Culture as a common ground"],
        "questions": ["Can the festival take place in a different district every year?",
                      "Will artists who arrived recently be paid like the others?",
                      "Could schools visit the exhibition with the artists?"],
        "actions": ["Prepare the programme of 18 December",
                    "Sign the festival agreement with the associations"],
    },
    "resident card": {
        "items": [("Local resident cards",
                   "A card for everyone who lives in the city, whatever their nationality."),
                  ("What the card must never record",
                   "No nationality, no status, no list shared with the police."),
                  ("Services open with the card",
                   "Library, public transport, swimming pools, city offices.")],
        "motions": ["Support the local resident card on one condition: it records no nationality or status.",
                    "Ask that the resident card gives access to the library and public transport.",
                    "Ask for a privacy study before the card is printed."],
        "polls": [("Should the city issue a local resident card, valid whatever your nationality?", []),
                  ("Which service should the resident card open first?",
                   ["Public library", "Public transport",
                    "Swimming pools", "City offices"])],
        "debates": ["A card for everyone who lives here", "Proving where you live without being watched"],
        "questions": ["Will the card show my nationality?",
                      "Can the police ask the city for the list of holders?",
                      "Can children have a card too?"],
        "actions": ["Pilot of the resident card in two districts", "Guide to the card in six languages"],
    },
    "anti-rumour": {
        "items": [("Anti-rumour agents", "Residents trained to answer prejudice with facts."),
                  ("Local news and migration", "How the local press talks about the people who arrive."),
                  ("Rumours on social networks", "A page that answers the most common false stories.")],
        "motions": ["Train fifty anti-rumour agents every year with the associations.",
                    "Publish a yearly fact sheet on migration in the city.",
                    "Invite the local press to a yearly meeting with the council."],
        "polls": [("Which rumour should the campaign answer first?",
                   ["They take our jobs", "They do not want to "
                     "learn the language",
                     "They get housing first",
                     "They do not pay taxes"]),
                  ("Should the city train anti-rumour agents in every school?", [])],
        "debates": ["Facts against rumours", "Who tells the story of migration?"],
        "questions": ["Who checks the rumours that go around the district's social networks?",
                      "How can schools invite people who arrived recently to tell their own story?",
                      "Why are there so few people born abroad on the city's cultural committees?"],
        "actions": ["Train the first anti-rumour agents", "Publish the fact sheet on migration"],
    },
}

COUNCILS = [
    ("Council of Cultures",
     "Residents of every origin advise the city on migration and on the cultural life of "
                            "the city, and bring proposals to the city council."),
    ("Youth Council",
     "Young residents aged 14 to 25, whatever their nationality, give their opinion on schools, "
                      "sport, culture and work."),
    ("Council of Women of the World",
     "Women who came to live in the city, and those born here, work together "
                                      "on health, work and safety."),
    ("Council of the Districts", "One delegation per district follows the city's plans where people live."),
    ("Council of Associations",
     "The associations of the city speak with one voice on welcome and solidarity."),
]

PLACES = ["Sala Gialla, town hall", "Council chamber, town hall", "Biblioteca civica, Sala Grande",
          "Casa delle Culture", "Teatro del Porto", "Community centre of the Stazione district"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
#: months with a session (no session in January and August)
SESSION_MONTHS = (2, 3, 4, 5, 6, 7, 9, 10, 11, 12)

EXPERTS = [("Dr. Leila Haddad", "Sociologist; studies how local news talks about migration."),
           ("Marco Rinaldi", "Journalist at a local radio."),
           ("Dr. Elena Costa", "Lawyer; advises people at the city's welcome desk."),
           ("Amadou Ndiaye", "Runs a training centre for young workers."),
           ("Dr. Sara Bianchi", "Doctor at the health centre of the Stazione district."),
           ("Yasmin Farah", "Teacher of the welcome class of a primary school."),
           ("Tomás Herrera", "Architect; works on empty buildings and social housing."),
           ("Olena Kovalenko", "Interpreter and cultural mediator."),
           ("Ibrahim Diallo", "President of a tenants' association."),
           ("Giulia Romano", "Librarian; runs the library's language café.")]

METHODS = ("yes_no_abstain", "single", "approval", "ranked_irv", "schulze", "score", "points")
TRACKER_TRANSLATION = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                                      b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
BATCH = 5_000


# ------------------------------------------------------------------------------------------------ helpers


def _uuid(_rng=None) -> str:
    """Row keys of participations and ballots come from the system's randomness, as in the engine (not from
    the seed: nothing about them needs to be reproducible, and a second run on the same database must not
    clash)."""
    return str(uuid.uuid4())


def _tracker_hashes(_rng, n: int) -> list[str]:
    """Hashes of ``n`` well-formed trackers (four groups of four letters or digits), as the engine hashes
    them; the trackers themselves are random and thrown away (nobody holds them)."""
    raw = os.urandom(10 * n)
    out = []
    for i in range(n):
        tracker = base64.b32encode(raw[10 * i:10 * i + 10]).translate(TRACKER_TRANSLATION)
        out.append(hashlib.sha256(tracker).hexdigest())
    return out


def _insert(model, rows: list[dict]) -> None:
    table = model.__table__
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])


def _theme(rng) -> dict:
    return TEXT[rng.choice(THEMES)]


def _people(ctx, ids: list[int]) -> dict[int, object]:
    from consult.accounts.models import User

    found = {}
    for start in range(0, len(ids), 900):
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids[start:start + 900]))):
            found[user.id] = user
    return found


def _eligible_voters(ctx) -> tuple[list[int], dict[int, list[int]]]:
    """Generated verified residents aged 16 or over with a current status (all, and by district)."""
    from consult.residency.models import ResidentStatus

    wanted = set(ctx.resident_ids)
    rows = db.session.execute(sa.select(ResidentStatus.user_id, ResidentStatus.district_id).where(
        ResidentStatus.revoked_at.is_(None),
        sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > ctx.now),
        ResidentStatus.birth_year.is_not(None), ResidentStatus.birth_year <= ctx.now.year - 16))
    everyone, by_district = [], {}
    for user_id, district_id in rows:
        if user_id in wanted:
            everyone.append(user_id)
            if district_id is not None:
                by_district.setdefault(district_id, []).append(user_id)
    everyone.sort()
    for ids in by_district.values():
        ids.sort()
    return everyone, by_district


def _backdate_minutes(rows: list[dict]) -> None:
    """Set the dates of minutes to the days they were written, approved and published (timestamps only)."""
    from consult.minutes.models import Minutes, MinutesRevision

    if not rows:
        return
    m, r = Minutes.__table__, MinutesRevision.__table__
    db.session.execute(sa.update(m).where(m.c.id == sa.bindparam("mid")).values(
        created_at=sa.bindparam("d_draft"), updated_at=sa.bindparam("d_publish"),
        submitted_at=sa.bindparam("d_submit"), approved_at=sa.bindparam("d_approve"),
        published_at=sa.bindparam("d_publish")), rows)
    db.session.execute(sa.update(r).where(r.c.minutes_id == sa.bindparam("mid"), r.c.number == 1).values(
        created_at=sa.bindparam("d_draft")), rows)
    db.session.execute(sa.update(r).where(r.c.minutes_id == sa.bindparam("mid"), r.c.number > 1).values(
        created_at=sa.bindparam("d_edit")), rows)


def _publish_minutes(minutes, *, writer, approver, ended: datetime, rng, now: datetime,
                     stop_at: str = "published") -> dict:
    """The writer completes the draft and submits it, the approver approves, the writer publishes."""
    from consult.minutes import services as minutes_services

    closing = rng.choice(["The meeting ended with thanks to the interpreters.",
                          "The next meeting will be announced on the platform.",
                          "The secretary thanked the residents who followed the meeting online.",
                          "The president thanked the associations for their work."])
    minutes_services.save_revision(minutes, minutes.body.rstrip() + f"\n\n*{closing}*\n", author=writer,
                                   note="Closing sentence")
    edited = ended + timedelta(days=rng.randint(1, 4))
    submitted = edited + timedelta(hours=rng.randint(1, 30))
    approved = submitted + timedelta(days=rng.randint(2, 20))
    published = approved + timedelta(days=rng.randint(0, 3))
    # recent meetings: every step happened by now (the order is kept)
    edited, submitted, approved, published = (min(d, now) for d in (edited, submitted, approved, published))
    if stop_at == "draft":
        return {}
    minutes_services.submit(minutes, actor=writer)
    if stop_at == "submitted":
        minutes.submitted_at = submitted
        db.session.flush()
        return {}
    minutes_services.approve(minutes, actor=approver)
    minutes_services.publish(minutes, actor=writer)
    return {"mid": minutes.id, "d_draft": ended, "d_edit": edited, "d_submit": submitted,
            "d_approve": approved, "d_publish": published}


# ------------------------------------------------------------------------------------------------ councils


def _unique_slug(base: str) -> str:
    from consult.councils.models import Council

    taken = set(db.session.scalars(sa.select(Council.slug).where(Council.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _terms(ctx, first_day: date) -> list[tuple[date, date | None]]:
    """Three-year terms from ``first_day`` to today (the last one open-ended)."""
    terms = []
    start = first_day
    today = ctx.now.date()
    while True:
        nxt = date(start.year + 3, start.month, start.day)
        if nxt > today:
            terms.append((start, None))
            return terms
        terms.append((start, nxt - timedelta(days=1)))
        start = nxt


def _seat_council(ctx, council, people: dict[int, object], pool: list[int], first_day: date) -> int:
    """Memberships term by term: about half of the seats are renewed, officers are elected for each term."""
    from consult.councils import services as councils

    rng = ctx.rng
    made = 0
    seated: list[int] = []
    for start, end in _terms(ctx, first_day):
        keep = rng.sample(seated, len(seated) // 2) if seated else []
        fresh = [uid for uid in rng.sample(pool, 20) if uid not in keep]
        voting = (keep + fresh)[:11]
        observers = [uid for uid in fresh if uid not in voting][:2]
        roles = ["president", "secretary", "vice_president"] + ["member"] * (len(voting) - 3)
        rng.shuffle(voting)
        for uid, role in zip(voting, roles, strict=True):
            councils.add_membership(council, people[uid], role=role, starts_on=start, ends_on=end,
                                    represents=rng.choice(REPRESENTS))
            made += 1
        for uid in observers:
            councils.add_membership(council, people[uid], role="observer", starts_on=start, ends_on=end,
                                    represents="City administration")
            made += 1
        seated = voting
    return made


REPRESENTS = ["Senegalese association", "Eritrean community", "Ukrainian cultural centre",
              "Latin American women's network", "Tunisian association Al Jisr", "Chinese community",
              "Moroccan association", "Bangladeshi association", "Filipino community",
              "Residents of Stazione", "Residents of Centro Storico", "Parents' association",
              "Students' union", "Tenants' association", "Language café volunteers", ""]


def _session_times(ctx, first_day: date) -> list[datetime]:
    """About ten sessions a year (none in January or August; ``sessions_per_year`` in the counts may ask for
    fewer), on the second Tuesday, from ``first_day``."""
    out = []
    year = first_day.year
    per_year = max(1, min(len(SESSION_MONTHS), ctx.counts.get("sessions_per_year", len(SESSION_MONTHS))))
    months = [SESSION_MONTHS[k * len(SESSION_MONTHS) // per_year] for k in range(per_year)]
    while year <= ctx.now.year:
        for month in months:
            day = date(year, month, 8)
            day += timedelta(days=(1 - day.weekday()) % 7)  # the second Tuesday
            when = datetime(day.year, day.month, day.day, 16, 0)
            if day >= first_day and when + timedelta(hours=4) < ctx.now:
                out.append(when)
        year += 1
    return out


def _vote(rng, support: float) -> str:
    x = rng.random()
    if x < support:
        return "yes"
    return "no" if x < support + (1 - support) * 0.75 else "abstain"


def _motion(ctx, item, room: list, at: datetime, text: str) -> tuple[object, datetime]:
    """A motion on ``item``, voted by the voting members in the room, decided by the meetings service."""
    from consult.meetings import services as meetings
    from consult.meetings.models import MotionVote
    from consult.votes.methods import encode
    from consult.votes.models import Ballot, Participation, Poll

    rng = ctx.rng
    x = rng.random()
    mode = "named" if x < 0.6 else ("hands" if x < 0.85 else "secret")
    rule = rng.choices(("simple", "absolute", "two_thirds", "unanimity"), (70, 15, 12, 3))[0]
    motion = meetings.add_motion(item, text=text, rule=rule, mode=mode)
    meetings.open_motion(motion, now=at)
    support = rng.choice((0.95, 0.85, 0.7, 0.55, 0.35))
    choices = [_vote(rng, support) for _ in room]
    decided = at + timedelta(minutes=rng.randint(3, 12))
    if mode == "named":
        db.session.add_all(MotionVote(motion_id=motion.id, membership_id=m.id, choice=c)
                           for m, c in zip(room, choices, strict=True))
        db.session.flush()
        db.session.expire(motion, ["named_votes"])
        meetings.close_motion(motion, now=decided)
    elif mode == "hands":
        hands = {c: choices.count(c) for c in ("yes", "no", "abstain")}
        meetings.close_motion(motion, hands=hands, now=decided)
    else:
        poll = db.session.get(Poll, motion.poll_id)
        code_to_id = {o.code: o.id for o in poll.options}
        _insert(Participation,
                [{"id": _uuid(rng), "poll_id": poll.id, "voter_id": m.user_id, "anon_key": None}
                 for m in room])
        hashes = _tracker_hashes(rng, len(choices))
        ballots = [{"id": _uuid(rng), "poll_id": poll.id, "choice": encode(code_to_id[c]), "tracker_hash": h,
                    "replace_key": None} for c, h in zip(choices, hashes, strict=True)]
        rng.shuffle(ballots)
        _insert(Ballot, ballots)
        meetings.close_motion(motion, now=decided)
        poll.opens_at, poll.closed_at = at, decided
        poll.created_at = at
        if poll.result:  # counted at the vote, as the results page says, not when the generator ran
            poll.result = dict(poll.result, counted_at=decided.isoformat(timespec="seconds"))
    return motion, decided


def _hold_session(ctx, council, starts: datetime, users: dict[int, object], *,
                  last: bool) -> tuple[object, dict]:
    """One past session, from the convocation to the close, then its minutes (published unless it is
    recent)."""
    from consult.councils.models import VOTING_ROLES
    from consult.meetings import services as meetings
    from consult.meetings.models import Attendance
    from consult.minutes import draft_for_session
    from consult.minutes import services as minutes_services

    rng = ctx.rng
    session = meetings.create_session(
        council, title=f"Ordinary session of {MONTHS[starts.month - 1]} {starts.year}", starts_at=starts,
        planned_minutes=rng.choice((90, 120, 150)), place=rng.choice(PLACES),
        online_link=f"https://meet.porto-aperto.example/{council.slug}" if starts.year >= 2020 else "")
    themes = rng.sample(THEMES, rng.randint(3, 5))
    items = []
    for n, theme in enumerate(themes):
        title, description = rng.choice(TEXT[theme]["items"])
        kind = "decision" if n == 0 else rng.choice(("information", "deliberation", "decision", "decision"))
        item = meetings.add_item(session, title=title, description=description, kind=kind,
                                 duration_minutes=rng.choice((15, 20, 30, 40)))
        items.append((theme, item))
        if rng.random() < 0.15:
            sub = meetings.add_item(session, title=f"Questions on: {title.lower()}", kind="deliberation",
                                    parent=item, duration_minutes=10)
            items.append((theme, sub))
    meetings.convene_session(session,
                             now=starts - timedelta(days=council.convocation_days + rng.randint(1, 6)))
    session.created_at = session.convened_at - timedelta(days=rng.randint(1, 10))
    # the roll in seat order before the sitting starts (``start_session`` then finds every seat on it): the
    # service adds the rows in the order the database returns the seats, so their ids would differ between
    # SQLite and PostgreSQL for the same seed
    for membership in sorted(meetings.memberships_for(session), key=lambda m: m.id):
        session.attendance.append(Attendance(membership_id=membership.id, status="absent"))
    meetings.start_session(session, now=starts + timedelta(minutes=rng.randint(0, 15)))
    entries = []
    # in seat order: the draws must not depend on the order the database returns the rows in
    attendance = sorted(session.attendance, key=lambda a: a.membership_id)
    for row in attendance:
        x = rng.random()
        status = "present" if x < 0.86 else ("excused" if x < 0.96 else "absent")
        arrived = (starts + timedelta(minutes=rng.randint(15, 50))
                   if status == "present" and rng.random() < 0.1 else None)
        left = (starts + timedelta(minutes=rng.randint(70, 110))
                if status == "present" and rng.random() < 0.05 else None)
        entries.append({"attendance_id": row.id, "status": status, "arrived_at": arrived, "left_at": left})
    meetings.record_attendance(session, entries)
    room = sorted((a.membership for a in attendance
                   if a.is_in_room and a.membership.role in VOTING_ROLES), key=lambda m: m.id)
    present_names = [a.membership.user.public_name for a in attendance if a.status == "present"]
    at = starts + timedelta(minutes=10)
    for theme, item in items:
        notes = rng.choice(("", f"{rng.choice(present_names)} presented the item." if present_names else "",
                            "The members discussed the item at length and asked for figures by district.",
                            "The associations were thanked for the testimonies they collected."))
        meetings.record_item_progress(item, action="start", now=at, notes=notes)
        for name in rng.sample(present_names, min(len(present_names), rng.randint(0, 2))):
            meetings.add_speaker(item, name)
        at += timedelta(minutes=rng.randint(5, 25))
        if item.kind == "decision" and item.parent_id is None and room:
            _motion_obj, at = _motion(ctx, item, room, at, rng.choice(TEXT[theme]["motions"]))
        meetings.record_item_progress(item, action="end", now=at)
        at += timedelta(minutes=rng.randint(1, 5))
    meetings.close_session(session, now=at)
    # the minutes are drafted by the receiver of ``council_session_closed``; drafted here if it failed
    minutes = minutes_services.original_for("council_session", session.id) or draft_for_session(session)
    officers = {m.role: m for m in (a.membership for a in session.attendance) if m.role in ("president",
                                                                                             "secretary")}
    writer = users.get(officers["secretary"].user_id) if "secretary" in officers else None
    approver = users.get(officers["president"].user_id) if "president" in officers else None
    stop_at = rng.choice(("draft", "submitted")) if last else "published"
    dates = _publish_minutes(minutes, writer=writer, approver=approver, ended=at, rng=rng, now=ctx.now,
                             stop_at=stop_at)
    return session, dates | ({"minutes": minutes} if dates else {})


def _upcoming_session(ctx, council, days: int, *, convene: bool) -> None:
    from consult.meetings import services as meetings

    rng = ctx.rng
    starts = (ctx.now + timedelta(days=days)).replace(hour=16, minute=0, second=0, microsecond=0)
    session = meetings.create_session(
        council, title=f"Ordinary session of {MONTHS[starts.month - 1]} {starts.year}", starts_at=starts,
        planned_minutes=120, place=rng.choice(PLACES),
        online_link=f"https://meet.porto-aperto.example/{council.slug}")
    for theme in rng.sample(THEMES, 3):
        title, description = rng.choice(TEXT[theme]["items"])
        meetings.add_item(session, title=title, description=description,
                          kind=rng.choice(("information", "deliberation", "decision")), duration_minutes=30)
    if convene:
        meetings.convene_session(session, now=ctx.now)


def _outcomes(ctx, published: list[dict], council_id: int) -> tuple[int, int]:
    """Outcomes of the adopted motions of the last year's published minutes, some with actions."""
    from consult.outcomes import services as outcomes

    rng = ctx.rng
    made = actions = 0
    since = ctx.now - timedelta(days=365)
    for row in published:
        minutes = row["minutes"]
        if row["d_draft"] < since:
            continue
        for outcome in outcomes.outcomes_from_record(minutes.record, council_id=council_id,
                                                     minutes_id=minutes.id):
            made += 1
            if rng.random() < 0.4:
                theme = next((t for t in TEXT.values() if outcome.title in t["motions"]), _theme(rng))
                for title in rng.sample(theme["actions"], rng.randint(1, 2)):
                    responsible = rng.choice(("Welcome office", "Registry office", "Culture department",
                                              "Social affairs department", "Housing office",
                                              "Mayor's office"))
                    due_on = (ctx.now + timedelta(days=rng.randint(-200, 400))).date()
                    action = outcomes.add_action(outcome, title, responsible=responsible, due_on=due_on)
                    actions += 1
                    x = rng.random()
                    if x < 0.25:
                        outcomes.update_action(action, status="done", progress=100, text="Done.")
                    elif x < 0.5:
                        outcomes.update_action(action, status="in_progress",
                                               progress=rng.choice((10, 30, 50, 70)),
                                               text="Work has started with the associations.")
    return made, actions


def _councils(ctx) -> dict[str, int]:
    from consult.councils import services as councils

    rng = ctx.rng
    result = {"councils": 0, "memberships": 0, "sessions": 0, "motions": 0, "minutes_published": 0,
              "outcomes": 0, "outcome_actions": 0}
    n = ctx.counts.get("councils", 0)
    if not n or len(ctx.resident_ids) < 20:
        return result
    years = max(1, ctx.counts.get("years", 1))
    first_day = date(ctx.now.year - years, ctx.now.month, 1) + timedelta(days=14)
    pool = sorted(ctx.resident_ids)
    with ctx.progress("Councils", n) as advance:
        for c in range(n):
            name, purpose = COUNCILS[c % len(COUNCILS)]
            if c >= len(COUNCILS):
                name = f"{name} {c // len(COUNCILS) + 1}"
            council = councils.create_council(
                name=name, slug=_unique_slug(councils.slugify(name)), purpose=purpose,
                mandate="- Give opinions to the city council.\n- Put qualified proposals on its agenda.\n"
                        "- Publish the minutes of every session.",
                composition="Associations and communities propose members for a three-year term. Any "
                            "resident may be proposed, whatever their nationality or status. Observers from "
                            "the city administration attend without a vote.",
                contact=f"{councils.slugify(name)}@porto-aperto.example", quorum_percent=50,
                convocation_days=5)
            council.created_at = datetime.combine(first_day, datetime.min.time()) - timedelta(days=30)
            council_pool = rng.sample(pool, min(len(pool), 400))
            people = _people(ctx, council_pool)
            council_pool = [uid for uid in council_pool if uid in people]
            result["memberships"] += _seat_council(ctx, council, people, council_pool, first_day)
            db.session.commit()
            times = _session_times(ctx, first_day)
            published = []
            for k, starts in enumerate(times):
                session, dates = _hold_session(ctx, council, starts, people, last=k >= len(times) - 1)
                result["sessions"] += 1
                result["motions"] += sum(len(i.motions) for i in session.items)
                if dates:
                    published.append(dates)
                if k % 20 == 19:
                    db.session.commit()
            _upcoming_session(ctx, council, rng.randint(7, 20), convene=True)
            _upcoming_session(ctx, council, rng.randint(35, 50), convene=False)
            result["sessions"] += 2
            made, actions = _outcomes(ctx, published, council.id)
            result["outcomes"] += made
            result["outcome_actions"] += actions
            _backdate_minutes([{k: v for k, v in row.items() if k != "minutes"} for row in published])
            result["minutes_published"] += len(published)
            result["councils"] += 1
            db.session.commit()
            advance(1)
    return result


# ------------------------------------------------------------------------------------------------ polls


def _patterns(rng, method: str, option_ids: list[int], poll) -> tuple[list, list[float]]:
    """A few hundred raw ballots of this method (people's preferences cluster) and how often each is cast."""
    k = len(option_ids)
    favour = [rng.random() ** 2 + 0.05 for _ in option_ids]  # some options are much more popular
    patterns: list = []
    if method == "yes_no_abstain":
        yes = rng.uniform(0.3, 0.75)
        abstain = rng.uniform(0.02, 0.12)
        return ["yes", "no", "abstain"], [yes, max(0.05, 1 - yes - abstain), abstain]
    if method == "single":
        return list(option_ids), favour
    weights: list[float] = []
    for _ in range(min(300, 40 * k)):
        order = sorted(option_ids, key=lambda o: -favour[option_ids.index(o)] * rng.random())
        if method == "approval":
            limit = poll.max_choices or k
            patterns.append(order[:rng.randint(1, min(limit, k))])
        elif method in ("ranked_irv", "schulze"):
            patterns.append(order[:rng.randint(1, k)])
        elif method == "score":
            patterns.append({str(o): min(5,
                                         max(0, round(favour[option_ids.index(o)] * 5 + rng.gauss(0, 1.3))))
                             for o in option_ids})
        else:  # points
            budget = poll.points_budget or 10
            given = {}
            left = budget
            for o in order[:rng.randint(1, k)]:
                n = rng.randint(1, left) if left > 0 else 0
                if n:
                    given[str(o)] = n
                    left -= n
            patterns.append(given or {str(order[0]): budget})
        weights.append(rng.random() + 0.1)
    return patterns, weights


def _fill_poll(ctx, poll, voters: list[int], anon_keys: list[str] = ()) -> int:
    """Participation rows for ``voters`` (accounts) or ``anon_keys`` (anonymous browsers in a debate's open
    poll, hashed as the engine hashes them) and as many ballots, drawn apart and shuffled; returns the
    count."""
    from consult.votes import methods
    from consult.votes.methods import encode
    from consult.votes.models import Ballot, Participation
    from consult.votes.services import spec_for

    rng = ctx.rng
    n = len(voters) + len(anon_keys)
    if not n:
        return 0
    spec = spec_for(poll)
    method = methods.get(poll.method)
    raw, weights = _patterns(rng, poll.method, [o.id for o in poll.options], poll)
    texts = [encode(method.validate(r, spec)) for r in raw]
    choices = rng.choices(texts, weights, k=n)
    rng.shuffle(choices)
    _insert(Participation, [{"id": _uuid(rng), "poll_id": poll.id, "voter_id": uid, "anon_key": None}
                            for uid in voters] +
            [{"id": _uuid(rng), "poll_id": poll.id, "voter_id": None,
              "anon_key": hashlib.sha256(f"{poll.id}:a:{key}".encode()).hexdigest()} for key in anon_keys])
    hashes = _tracker_hashes(rng, n)
    ballots = [{"id": _uuid(rng), "poll_id": poll.id, "choice": c, "tracker_hash": h, "replace_key": None}
               for c, h in zip(choices, hashes, strict=True)]
    rng.shuffle(ballots)
    _insert(Ballot, ballots)
    return n


def _district_rule(district_id: int, name: str):
    from consult.residency.models import LEVEL_VERIFIED, EligibilityRule

    rule_name = f"Verified residents of {name}, aged 16 or over"
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == rule_name))
    if rule is None:
        rule = EligibilityRule(name=rule_name, min_level=LEVEL_VERIFIED, min_age=16,
                               district_ids=[district_id])
        db.session.add(rule)
        db.session.flush()
    return rule


def _ballot_counts(ctx, n_polls: int, total: int, cap: int) -> list[int]:
    """Split ``total`` ballots over the polls: a few big city-wide votes, many smaller ones."""
    rng = ctx.rng
    weights = [rng.lognormvariate(0, 0.9) for _ in range(n_polls)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    i = 0
    while missing > 0 and i < 10 * n_polls:  # spread the rest over the polls that are not full
        j = i % n_polls
        room = cap - counts[j]
        if room > 0:
            add = min(room, missing, max(1, total // n_polls))
            counts[j] += add
            missing -= add
        i += 1
    return counts


def _polls(ctx) -> dict[str, int | float]:
    from consult.residency.models import District
    from consult.votes import services as votes

    n = ctx.counts.get("polls", 0)
    result = {"polls": 0, "polls_open": 0, "ballots": 0, "seconds_tally": 0.0}
    everyone, by_district = _eligible_voters(ctx)
    if not n or not everyone:
        return result
    districts = dict(db.session.execute(sa.select(District.id, District.name)).all())
    district_ids = [d for d in by_district if d in districts and len(by_district[d]) >= 10]
    binding = votes.default_binding_rule()
    years = max(1, ctx.counts.get("years", 1))
    total = ctx.counts.get("ballots", 0)
    # turnout stays plausible (under half of the residents) unless the counts ask for more ballots than that
    cap = min(len(everyone), max(int(len(everyone) * 0.45), -(-total * 6 // (5 * n))))
    counts = _ballot_counts(ctx, n, total, cap)
    n_open = max(1, n // 20)
    methods_order = [METHODS[i % len(METHODS)] for i in range(n)]
    rng = ctx.rng
    rng.shuffle(methods_order)
    with ctx.progress("Ballots", sum(counts)) as advance:
        for i in range(n):
            method = methods_order[i]
            is_open = i >= n - n_open
            theme = _theme(rng)
            question, options = rng.choice(theme["polls"])
            if method == "yes_no_abstain" and options:
                question = f"Should the city start with “{options[0].lower()}”?"
            if method != "yes_no_abstain" and not options:
                options = ["Yes, this year", "Yes, within three years", "No"]
            if method in ("ranked_irv", "schulze"):
                question = f"Rank in order of preference: {question}"
            fits = [d for d in district_ids if len(by_district[d]) >= counts[i]]
            district = rng.choice(fits) if fits and rng.random() < 0.2 else None
            rule = _district_rule(district, districts[district]) if district else binding
            if district:
                question = f"{districts[district]}: {question}"
            if is_open:
                opens = ctx.now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 23))
                closes = ctx.now + timedelta(days=rng.randint(5, 30))
            else:
                opens = ctx.now - timedelta(days=rng.randint(35, 365 * years), hours=rng.randint(0, 23))
                closes = opens + timedelta(days=rng.choice((7, 14, 21, 30)))
                opens, closes = opens.replace(microsecond=0), closes.replace(microsecond=0)
            poll = votes.create_poll(
                question=question, method=method, options=options, rule=rule, opens_at=opens,
                closes_at=closes,
                description=f"A vote of the residents on {rng.choice(THEMES)} in the city. Every resident "
                            "aged 16 "
                            "or over may vote, whatever their nationality.",
                majority=rng.choice(("simple", "simple", "absolute")) if method in ("yes_no_abstain",
                                                                                     "single") else None,
                quorum=rng.choice((None, None, 100, 500)) if method == "yes_no_abstain" else None,
                max_choices=2 if method == "approval" and len(options) > 3 else None,
                points_budget=10 if method == "points" else None)
            if is_open:  # this draw once chose live results, which a secret ballot never shows; kept so that
                rng.random()  # a seed still makes the same city
            poll.created_at = opens - timedelta(days=rng.randint(1, 14))
            votes.open_poll(poll)
            pool = by_district[district] if district else everyone
            voters = rng.sample(pool, min(len(pool), counts[i]))
            made = _fill_poll(ctx, poll, voters)
            if not is_open and method in ("yes_no_abstain", "single") and rng.random() < 0.2:
                share = {str(o.id): rng.randint(0, 60) for o in poll.options}
                votes.record_paper_tally(poll, channel="Town hall polling place", counts=share,
                                         blank=rng.randint(0, 4), invalid=rng.randint(0, 2))
            if not is_open:
                started = time.perf_counter()
                votes.close_poll(poll)
                result["seconds_tally"] += time.perf_counter() - started
                poll.closed_at = closes
                poll.result = dict(poll.result, counted_at=closes.isoformat(timespec="seconds"))
            else:
                result["polls_open"] += 1
            result["polls"] += 1
            result["ballots"] += made
            db.session.commit()
            advance(made)
    result["seconds_tally"] = round(result["seconds_tally"], 2)
    return result


# ------------------------------------------------------------------------------------------------ debates


def _play_debate(ctx, moderator, start: datetime, tick, participants: list, theme: dict) -> dict:
    from consult.debates import polls
    from consult.debates import services as debates
    from consult.debates.models import QuestionLike
    from consult.votes.models import Poll

    rng = ctx.rng
    title = rng.choice(theme["debates"])
    debate = debates.create_debate(
        moderator, title=title, description=f"A citizen debate in the moderator / expert / public format: "
                                            f"{title.lower()}. Experts answer questions from the public.",
        starts_at=start, ends_at=start + timedelta(minutes=105), place=rng.choice(PLACES),
        stream_url=rng.choice((None, "https://video.porto-aperto.example/debates")),
        languages=rng.choice(("Italiano, English", "Italiano, Français, العربية",
                              "Italiano, English, Español", "Italiano, Українська, English")),
        interpretation=rng.random() < 0.6, allow_anonymous=True)
    debate.created_at = start - timedelta(days=rng.randint(10, 40))
    debates.add_panelist(debate, moderator.display_name, "moderator", "Moderates the city's citizen debates.",
                         user=moderator)
    for name, bio in rng.sample(EXPERTS, rng.randint(2, 3)):
        debates.add_panelist(debate, name, "expert", bio)
    segments = [("Opening", 10), ("What the experts see", 25), ("Questions from the public", 40),
                ("Proposals for action", 20)]
    for seg_title, minutes in segments:
        debates.add_segment(debate, seg_title, minutes)
    debates.start_debate(debate, moderator)
    tick(minutes=rng.randint(8, 12))
    debates.go_to_segment(debate, moderator)
    for panelist in debate.panelists:
        if panelist.role == "expert":
            req = debates.add_speaker(debate, moderator, panelist.name, role="expert")
            debates.start_speech(debate, req, limit_seconds=300)
            tick(seconds=rng.randint(150, 300))
            debates.stop_speech(debate)
            tick(minutes=rng.randint(1, 4))
    debates.go_to_segment(debate, moderator)
    asked = []
    askers = rng.sample(participants, min(len(participants), rng.randint(3, 15)))
    texts = list(theme["questions"]) + [q for t in rng.sample(THEMES, 2) for q in TEXT[t]["questions"]]
    for who in askers:
        question = debates.ask_question(debate, who, rng.choice(texts),
                                        rng.choice(("en", "it", "fr", "ar", "es")))
        question.created_at = tick(seconds=rng.randint(20, 120))
        asked.append(question)
    db.session.flush()
    likes = []
    for question in asked:
        fans = rng.sample(participants, min(len(participants), int(rng.expovariate(1 / 8))))
        keys = {p.key for p in fans if p.key != question.participant_key}
        likes += [{"question_id": question.id, "participant_key": key, "created_at": question.created_at}
                  for key in sorted(keys)]
        question.likes = len(keys)
    _insert(QuestionLike, likes)
    for question in sorted(asked, key=lambda q: -q.likes)[:rng.randint(1, max(1, len(asked)))]:
        debates.set_question_status(debate, question, "live", moderator)
        tick(minutes=rng.randint(2, 6))
        debates.set_question_status(debate, question, "answered", moderator)
    if asked and rng.random() < 0.1:
        debates.set_question_status(debate, asked[-1], "hidden", moderator,
                                    reason="Insults a group of residents.")
    speakers = [p for p in participants if p.user is not None]
    for who in rng.sample(speakers, min(len(speakers), rng.randint(0, 4))):
        req = debates.request_to_speak(debate, who)
        debates.start_speech(debate, req, limit_seconds=debate.speech_limit_seconds)
        tick(seconds=rng.randint(40, 130))
        debates.stop_speech(debate)
    if rng.random() < 0.15:
        point = debates.add_speaker(debate, moderator, rng.choice(("Ana", "Karim", "Lucía")),
                                    kind="point_of_order", note="The interpretation stopped for a minute.")
        debates.start_speech(debate, point, limit_seconds=60)
        tick(seconds=40)
        debates.stop_speech(debate)
    debates.go_to_segment(debate, moderator)
    voters = 0
    if rng.random() < 0.35:
        question, options = rng.choice(theme["polls"])
        method = "single" if options else "yes_no_abstain"
        link = polls.create(debate, question, method, options)
        polls.open_(debate, link)
        opened = tick(minutes=1)
        poll = db.session.get(Poll, link.poll_id)
        voters = _fill_poll(ctx, poll, [],
                            anon_keys=[f"gen-{debate.id}-{n}" for n in range(rng.randint(10, 60))])
        closed = tick(minutes=rng.randint(3, 6))
        polls.close(debate, link)
        poll.created_at, poll.opens_at, poll.closed_at = opened, opened, closed
        poll.result = dict(poll.result, counted_at=closed.isoformat(timespec="seconds"))
    tick(minutes=rng.randint(5, 15))
    debates.end_debate(debate, moderator)
    return {"debate": debate, "questions": len(asked), "likes": len(likes), "voters": voters}


def _upcoming_debate(ctx, moderator, start: datetime, participants: list, theme: dict, people: list) -> int:
    from consult.debates import services as debates

    rng = ctx.rng
    title = rng.choice(theme["debates"])
    debate = debates.create_debate(
        moderator, title=title,
        description=f"A citizen debate: {title.lower()}. Bring your phone to ask questions, "
                                            "or ask for the microphone in the room.",
        starts_at=start, ends_at=start + timedelta(minutes=105), place=rng.choice(PLACES), stream_url=None,
        languages="Italiano, English", interpretation=True, allow_anonymous=True,
        registration_required=rng.random() < 0.5, capacity=rng.choice((None, 80, 120, 200)))
    debates.add_panelist(debate, moderator.display_name, "moderator", "Moderates the city's citizen debates.",
                         user=moderator)
    for name, bio in rng.sample(EXPERTS, 2):
        debates.add_panelist(debate, name, "expert", bio)
    for seg_title, minutes in (("Welcome", 5), ("What the experts see", 25),
                               ("Questions from the public", 45), ("Closing words", 10)):
        debates.add_segment(debate, seg_title, minutes)
    for who in rng.sample(participants, min(len(participants), rng.randint(0, 3))):
        debates.ask_question(debate, who, rng.choice(theme["questions"]), "en")
    if debate.registration_required:
        for user in rng.sample(people, min(len(people), rng.randint(5, 40))):
            debates.register(debate, user)
    return 1


def _debates(ctx) -> dict[str, int]:
    from consult.debates import services as debates
    from consult.debates.record import debate_record
    from consult.minutes import draft_for_debate
    from consult.minutes import services as minutes_services

    rng = ctx.rng
    n = ctx.counts.get("debates", 0)
    result = {"debates": 0, "debates_upcoming": 0, "questions": 0, "question_likes": 0,
              "debate_poll_votes": 0}
    if not n or len(ctx.resident_ids) < 20:
        return result
    years = max(1, ctx.counts.get("years", 1))
    sample = rng.sample(sorted(ctx.resident_ids), min(len(ctx.resident_ids), 400))
    moderator_ids = sample[:8]
    n_upcoming = max(1, n // 12)
    published = []
    people = _people(ctx, sample)
    users = [people[uid] for uid in sample if uid in people]
    signed_in = [debates.Participant(f"u:{u.id}", u, u.display_name) for u in users[8:340]]
    with ctx.progress("Debates", n) as advance:
        for i in range(n):
            participants = signed_in + [debates.Participant(f"a:gen-{i}-{k}") for k in range(60)]
            moderator = people[rng.choice(moderator_ids)]
            theme = _theme(rng)
            if i >= n - n_upcoming:
                start = (ctx.now + timedelta(days=rng.randint(3, 60))).replace(hour=18, minute=0, second=0,
                                                                                microsecond=0)
                result["debates_upcoming"] += _upcoming_debate(ctx, moderator, start, participants, theme,
                                                               users[340:])
            else:
                day = ctx.now - timedelta(days=rng.randint(2, 365 * years))
                start = day.replace(hour=rng.choice((17, 18, 20)), minute=rng.choice((0, 30)), second=0,
                                    microsecond=0)
                with demo_clock(start) as tick:
                    played = _play_debate(ctx, moderator, start, tick, participants, theme)
                debate = played["debate"]
                result["questions"] += played["questions"]
                result["question_likes"] += played["likes"]
                result["debate_poll_votes"] += played["voters"]
                minutes = minutes_services.original_for("debate", debate.id) or draft_for_debate(
                    debate, record=debate_record(debate))
                if debate.ended_at < ctx.now - timedelta(days=30) or rng.random() < 0.5:
                    dates = _publish_minutes(minutes, writer=moderator, approver=moderator,
                                             ended=debate.ended_at, rng=rng, now=ctx.now)
                    published.append(dates)
            result["debates"] += 1
            db.session.commit()
            advance(1)
    _backdate_minutes(published)
    result["minutes_published_debates"] = len(published)
    db.session.commit()
    return result


# ------------------------------------------------------------------------------------------------ entry point


def generate(ctx) -> dict[str, int | float]:
    """Councils (memberships, sessions, minutes, outcomes), polls with ballots, debates; counts and
    seconds."""
    result: dict[str, int | float] = {}
    for name, step in (("councils", _councils), ("polls", _polls), ("debates", _debates)):
        started = time.perf_counter()
        result.update(step(ctx))
        db.session.commit()
        result[f"seconds_{name}"] = round(time.perf_counter() - started, 2)
    return result
