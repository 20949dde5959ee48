"""Demo: a held and closed session of the Council of Cultures (roll call, items echoing the seed, decided
motions) and an upcoming convened session. Everything goes through the meetings services, with the clock
set back for the past session."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.extensions import db
from consult.meetings import services as meetings


def _user(username):
    return accounts.get_user_by_username(username)


def load() -> None:
    council = db.session.scalar(sa.select(Council).where(Council.slug == "council-of-cultures"))
    if council is None:
        return
    _held_session(council)
    _upcoming_session(council)
    db.session.flush()


def _held_session(council) -> None:
    starts = (utcnow() - timedelta(days=21)).replace(hour=16, minute=0, second=0, microsecond=0)
    session = meetings.create_session(council, title="Ordinary session of October", starts_at=starts,
                                      planned_minutes=150, place="Sala Gialla, town hall",
                                      online_link="https://meet.porto-aperto.example/council-of-cultures")
    cards = meetings.add_item(
        session, title="Local resident cards", kind="decision", duration_minutes=45, presenter="Adama",
        description=("The city plans a local resident card for everyone who lives in Porto Aperto, with "
                     "access to libraries, transport and city services.\n\nTo look out for: the card **must "
                     "not become a monitoring tool**. No nationality or status is printed or stored."))
    meetings.add_item(session, title="What the card must never record", kind="deliberation", parent=cards,
                      duration_minutes=15, presenter="Mariam")
    day = meetings.add_item(
        session, title="International Migrants Day, 18 December", kind="decision", duration_minutes=30,
        presenter="María José",
        description="Celebrate 18 December at municipal council level, with the associations of the city.")
    debates = meetings.add_item(
        session, title="A series of citizen debates", kind="information", duration_minutes=20,
        presenter="Fatou",
        description=("Debates in every district, in a moderator / expert / public format, with elected "
  "representatives, associations and residents, to tell other stories about migration."))
    meetings.convene_session(session, now=starts - timedelta(days=8))
    meetings.start_session(session, now=starts + timedelta(minutes=5))
    late = {"rahel": 25}
    leaves = {"dmytro": 110}
    entries = []
    for row in session.attendance:
        username = row.membership.user.username
        status = "excused" if username == "maria" else "present"
        entries.append({"attendance_id": row.id, "status": status,
                        "arrived_at": starts + timedelta(minutes=late[username]) if username in late
                        else None, "left_at": starts + timedelta(minutes=leaves[username])
                        if username in leaves
                        else None})
    # the secretary records departures later in the sitting; the roll call first has everyone in the room
    meetings.record_attendance(session, [dict(e, left_at=None) for e in entries])

    _held_item(cards, starts, (10, 58), speakers=("Adama", "Chen", "Fatou", "Mariam"),
               notes=("The president presented the city's draft. Members asked that the card show no "
                      "nationality and that no list of holders be shared with the police."),
               motion={"text": ("The Council of Cultures supports the local resident card on one "
                                "condition: it records no nationality or status and is never used as a "
                                "monitoring tool."),
                       "rule": "simple", "mode": "named", "closes_at": starts + timedelta(minutes=55),
                       "choices": {"president": "yes", "secretary": "yes", "member": "yes", "fatou": "yes",
                                   "rahel": "yes", "dmytro": "abstain"}})
    _held_item(day, starts, (60, 90), speakers=("Rahel", "Dmytro"),
               notes="Associations will prepare a market of cultures in front of the town hall.",
               motion={"text": ("Ask the city council to celebrate International Migrants Day on 18 December "
                                "every year, in a public session."),
                       "rule": "two_thirds", "mode": "secret", "closes_at": starts + timedelta(minutes=85),
                       "choices": {"president": "yes", "secretary": "yes", "member": "yes", "fatou": "yes",
                                   "rahel": "no", "dmytro": "yes"}})

    meetings.record_attendance(session, entries)  # Dmytro left before the last item
    meetings.record_item_progress(debates, action="start", now=starts + timedelta(minutes=115))
    meetings.add_speaker(debates, "Fatou")
    budget = meetings.add_motion(debates, text="Spend the council's whole yearly budget on the first debate.",
                                 rule="absolute", mode="hands")
    meetings.open_motion(budget)
    meetings.close_motion(budget, hands={"yes": 1, "no": 3, "abstain": 1},
                          now=starts + timedelta(minutes=125))
    meetings.record_item_progress(debates, action="end", now=starts + timedelta(minutes=130))
    meetings.close_session(session, now=starts + timedelta(minutes=140))


def _held_item(item, starts, minutes: tuple[int, int], *, speakers, notes: str, motion: dict) -> None:
    """An item discussed from ``minutes[0]`` to ``minutes[1]`` after ``starts``: its notes and speakers, then
    a motion opened, voted (``choices``: username → choice) and closed at ``closes_at``."""
    meetings.record_item_progress(item, action="start", now=starts + timedelta(minutes=minutes[0]),
                                  notes=notes)
    for name in speakers:
        meetings.add_speaker(item, name)
    voted = meetings.add_motion(item, text=motion["text"], rule=motion["rule"], mode=motion["mode"])
    meetings.open_motion(voted)
    for username, choice in motion["choices"].items():
        meetings.cast_vote(voted, _user(username), choice)
    meetings.close_motion(voted, now=motion["closes_at"])
    meetings.record_item_progress(item, action="end", now=starts + timedelta(minutes=minutes[1]))


def _upcoming_session(council) -> None:
    starts = (utcnow() + timedelta(days=12)).replace(hour=17, minute=0, second=0, microsecond=0)
    session = meetings.create_session(council, title="Ordinary session of December", starts_at=starts,
                                      planned_minutes=120, place="Sala Gialla, town hall",
                                      online_link="https://meet.porto-aperto.example/council-of-cultures")
    meetings.add_item(session, title="Programme of 18 December", kind="decision", duration_minutes=40,
                      presenter="María José",
                      description="The associations present the programme of International Migrants Day.")
    meetings.add_item(session, title="Qualified proposals of “Welcoming city 2027”", kind="deliberation",
                      duration_minutes=45, presenter="Mariam")
    meetings.add_item(session, title="Report on the resident card pilot", kind="information",
                      duration_minutes=20, presenter="Adama")
    meetings.convene_session(session)
