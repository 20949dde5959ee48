"""Demo debates: the seed's workshop 3 as a past citizen debate, and an upcoming one to try live.

The past debate "Telling a different story about migration" ran in the moderator / expert / public format,
with questions from the public in several languages, speeches, a point of order and a closed live poll. It is
played through the same services as a live debate, on a demo clock set three weeks back, so its record (sent
with ``debate_closed``) has realistic times. The upcoming one is moderated by the demo account
``moderator`` (as the past one), so the console can be tried at once.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.services import get_user_by_username
from consult.core.models import utcnow
from consult.debates import polls
from consult.debates import services as debates
from consult.debates.models import SpeakerRequest
from consult.extensions import db

PAST_DESCRIPTION = """\
How do we talk about the people who arrive in our city, and who gets to tell their story?

This debate follows the workshop *Telling a different story about migration*: countering discourse that
divides people or helps them in a paternalistic way, using research to take apart preconceived ideas, and
building partnerships between the city, associations and schools. Culture and art are at the centre:
migrants speak for themselves."""

UPCOMING_DESCRIPTION = """\
A debate for International Migrants Day (18 December): what can a welcoming city do for a dignified welcome,
and who does what? Experts answer questions from the public, and a live poll asks the room what comes first.
Bring your phone to ask questions and vote, or ask for the microphone in the room."""


def _person(username):
    user = get_user_by_username(username)
    return debates.Participant(f"u:{user.id}", user, user.display_name) if user else None


@contextmanager
def demo_clock(start):
    """Let the debate services read time from a clock the demo moves forward (``tick(minutes=...)``); the
    city-scale generator (consult/demo/generate/debates.py) plays its past debates with it too."""
    now = [start]

    def tick(**delta):
        now[0] += timedelta(**delta)
        return now[0]

    real = debates.utcnow
    debates.utcnow = lambda: now[0]
    try:
        yield tick
    finally:
        debates.utcnow = real


def _past(moderator) -> None:
    start = (utcnow() - timedelta(days=21)).replace(hour=17, minute=0, second=0, microsecond=0)
    with demo_clock(start) as tick:
        _play_past(moderator, start, tick)


def _play_past(moderator, start, tick) -> None:
    debate = debates.create_debate(
        moderator, title="Telling a different story about migration", description=PAST_DESCRIPTION,
        starts_at=start, ends_at=start + timedelta(hours=2), place="Biblioteca civica, Sala Grande",
        stream_url="https://video.example.org/porto-aperto/different-story",
        languages="Italiano, Français, العربية, English", interpretation=True, allow_anonymous=True)
    debates.add_panelist(debate, "Karim", "moderator", "Runs the Council of Cultures' debates.",
                         user=moderator)
    debates.add_panelist(debate, "Dr. Leila Haddad", "expert",
                         "Sociologist. Studies how local news talks about migration.")
    debates.add_panelist(debate, "Marco Rinaldi", "expert",
                         "Journalist at a local radio, runs a newsroom with "
                         "young reporters born abroad.")
    debates.add_panelist(debate, "Fatou Diallo", "expert", "Member of the Council of Cultures; directs a "
                         "theatre group where newcomers tell their own stories.")
    for title, minutes in (("Opening", 10), ("Good practices: stories told by those who live them", 30),
                           ("Questions from the public", 40), ("Proposals for action", 20)):
        debates.add_segment(debate, title, minutes)
    debates.start_debate(debate, moderator)
    tick(minutes=11)
    debates.go_to_segment(debate, moderator)
    tick(minutes=1)
    for name, role, seconds in (("Dr. Leila Haddad", "expert", 290), ("Fatou Diallo", "expert", 335),
                                ("Marco Rinaldi", "expert", 260)):
        req = debates.add_speaker(debate, moderator, name, role=role)
        debates.start_speech(debate, req, limit_seconds=300)
        tick(seconds=seconds)
        debates.stop_speech(debate)
        tick(minutes=4)
    tick(minutes=6)
    debates.go_to_segment(debate, moderator)

    questions = [
        ("resident", "How can schools invite people who arrived recently to tell their own story?", "en"),
        ("member", "Qui vérifie les rumeurs qui circulent sur les réseaux sociaux du quartier ?", "fr"),
        ("observer", "A cidade pode apoiar um festival anual com as associações de migrantes?", "pt"),
        (None, "كيف يمكن للصحافة المحلية أن تعطي الكلمة للمهاجرين أنفسهم؟", "ar"),
        (None, "Why are there so few people born abroad on the city's cultural committees?", "en"),
    ]
    asked = []
    for n, (username, text, lang) in enumerate(questions):
        who = _person(username) if username else debates.Participant(f"a:demo-browser-{n}")
        asked.append(debates.ask_question(debate, who, text, lang))
        asked[-1].created_at = tick(minutes=2)
    for n in range(14):
        for q in asked[: 1 + n % len(asked)]:
            try:
                debates.like_question(debate, q, debates.Participant(f"a:demo-liker-{n}"))
            except Exception:  # an own question: skipped, as the rule says
                pass
    debates.set_question_status(debate, asked[0], "live", moderator)
    tick(minutes=8)
    debates.set_question_status(debate, asked[0], "answered", moderator)
    debates.set_question_status(debate, asked[2], "live", moderator)
    tick(minutes=7)
    debates.set_question_status(debate, asked[2], "answered", moderator)
    debates.set_question_status(debate, asked[1], "live", moderator)

    speaker = debates.request_to_speak(debate, _person("resident"))
    tick(minutes=3)
    debates.add_speaker(debate, moderator, "Ana", kind="point_of_order",
                        note="The interpretation into Arabic "
                        "stopped for a minute.")
    poo = db.session.scalar(sa.select(SpeakerRequest).where(SpeakerRequest.debate_id == debate.id,
                                                            SpeakerRequest.kind == "point_of_order"))
    debates.start_speech(debate, poo, limit_seconds=60)
    tick(seconds=40)
    debates.start_speech(debate, speaker, limit_seconds=120)
    tick(seconds=115)
    debates.stop_speech(debate)
    tick(minutes=5)
    debates.set_question_status(debate, asked[1], "answered", moderator)
    tick(minutes=10)
    debates.go_to_segment(debate, moderator)
    tick(minutes=3)

    link = polls.create(debate, "Should the city fund a yearly festival where migrant associations tell "
                        "their stories?", "yes_no_abstain", [])
    polls.open_(debate, link)
    by_label = {o["label"]: o["id"] for o in polls.options(link)}
    answers = ["Yes"] * 31 + ["No"] * 6 + ["Abstain"] * 4
    for n, label in enumerate(answers):
        polls.vote(debate, link, debates.Participant(f"a:demo-voter-{n}"),
                   {"option": str(by_label[label])})
    debate.projected_poll_id = link.poll_id
    tick(minutes=6)
    polls.close(debate, link)
    tick(minutes=12)
    debates.end_debate(debate, moderator)


def _upcoming(moderator) -> None:
    starts = (utcnow() + timedelta(days=10)).replace(hour=17, minute=30, second=0, microsecond=0)
    debate = debates.create_debate(
        moderator, title="A dignified welcome: who does what in our city?", description=UPCOMING_DESCRIPTION,
        starts_at=starts, ends_at=starts + timedelta(minutes=105), place="Teatro del Porto",
        stream_url=None, languages="Italiano, English, Español, العربية", interpretation=True,
        allow_anonymous=True, registration_required=True, capacity=120, speech_limit_seconds=120)
    debates.add_panelist(debate, "Karim", "moderator", "Runs the Council of Cultures' debates.",
                         user=moderator)
    debates.add_panelist(debate, "Adama", "expert", "President of the Council of Cultures.")
    debates.add_panelist(debate, "Dr. Elena Costa", "expert",
                         "Lawyer; advises people on residence procedures "
                         "at the city's welcome desk.")
    for title, minutes in (("Welcome and how the debate works", 5), ("What the experts see", 25),
                           ("Questions from the public", 45), ("Live poll: what comes first?", 15),
                           ("Closing words", 10)):
        debates.add_segment(debate, title, minutes)
    debates.ask_question(debate, _person("resident"), "Can the welcome desk stay open in the evening for "
                         "people who work during the day?", "en")
    debates.ask_question(debate, debates.Participant("a:demo-early"),
                         "¿Habrá traducción al español en la sala?", "es")
    for username in ("resident", "member", "observer"):
        user = get_user_by_username(username)
        if user is not None:
            debates.register(debate, user)


def load() -> None:
    moderator = get_user_by_username("moderator")
    _past(moderator)
    _upcoming(moderator)
    db.session.flush()
