"""Demo survey: "The welcome services of Porto Aperto", an anonymous survey of the process "Welcoming city
2027" built by its organiser (Adama, role organiser for the process), with three pages (the third asked only
of those who used the welcome desk), published, answered by 120 of the lottery's fictional verified
residents, and its results published. Yusuf (``resident``) has not answered: he can."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.core.models import utcnow
from consult.demo.processes import TITLE
from consult.extensions import db
from consult.processes.models import Process
from consult.surveys import services as surveys

RESPONSES = 120
DESCRIPTION = """The city is reviewing its welcome services for newcomers: the welcome desk at the town hall,
language courses, help with housing, work and papers. Tell us what helped and what was missing.

The answers are **anonymous**: nobody can link them to you. The results are published on this site."""

IDEAS = ["Longer opening hours", "More languages at the desk", "Appointments online",
         "A welcome point in every district"]


def _build(process, organiser):
    in_a_month = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=30)  # on the hour
    survey = surveys.create_survey(process, organiser, title="The welcome services of Porto Aperto",
                                   description=DESCRIPTION, anonymous=True, results_public=True,
                                   closes_at=in_a_month)
    first = survey.sections[0]
    first.title = "Your arrival"
    q = {"used": surveys.add_question(
        first, organiser, kind="single", required=True,
        text="Did you use the welcome desk at the town hall in your first year?",
        options=["Yes", "No", "I did not know it existed"])}
    q["why"] = surveys.add_question(first, organiser, kind="short_text", text="What would have made you go?",
                                    condition_question_id=q["used"].id, condition_option_ids=[2, 3])
    q["needs"] = surveys.add_question(
        first, organiser, kind="multiple", text="Which services did you need most?", max_choices=3,
        help="Choose up to three.",
        options=["Housing", "Language courses", "Work and training", "Health care", "Schools",
                 "Advice on residence papers"])
    q["welcome"] = surveys.add_question(first, organiser, kind="scale",
                                        text="How welcome did you feel in your first months?",
                                        scale_min=1, scale_max=5, min_label="Not at all",
                                        max_label="Very welcome", required=True)
    desk = surveys.add_section(survey, organiser, title="The welcome desk",
                               description="Only for those who used it.")
    q["desk"] = surveys.add_question(desk, organiser, kind="matrix", text="How was the welcome desk?",
                                     rows=["Opening hours", "Languages spoken", "Clear information",
                                           "Waiting time"], scale_min=1, scale_max=5, min_label="Poor",
                                     max_label="Excellent", condition_question_id=q["used"].id,
                                     condition_option_ids=[1])
    ideas = surveys.add_section(survey, organiser, title="Your ideas")
    q["rank"] = surveys.add_question(ideas, organiser, kind="ranking", text="What should the city improve "
                                     "first?", options=IDEAS)
    q["more"] = surveys.add_question(ideas, organiser, kind="long_text",
                                     text="Anything else you want to tell the city?")
    surveys.publish(survey, organiser)
    return survey, q


WHY = ["Nobody told me about it.", "The opening hours clash with my work.", "I thought it was only for "
       "refugees.", "I did not know where it was."]
MORE = ["The language course changed everything for me.", "Please have someone who speaks Tigrinya.",
        "The staff were kind but the waiting was long.",
        "A map of the services in several languages would help.",
        "Thank you for asking us."]


def _answers(rng: random.Random, q) -> dict:
    used = rng.choices([1, 2, 3], weights=[5, 2, 3])[0]
    raw = {q["used"].field: [str(used)], q["welcome"].field: [str(rng.choices(range(1, 6),
                                                                              weights=[1, 2, 4, 5, 3])[0])],
           q["needs"].field: [str(n) for n in rng.sample(range(1, 7), rng.randint(1, 3))]}
    if used != 1 and rng.random() < 0.5:
        raw[q["why"].field] = [rng.choice(WHY)]
    if used == 1:
        for row in range(1, 5):
            raw[f"{q['desk'].field}_{row}"] = [str(rng.randint(2 if row != 4 else 1, 5))]
    order = rng.sample(range(1, 5), 4) if rng.random() < 0.6 else [3, 1, 4, 2]
    for place, item in enumerate(order, start=1):
        raw[f"{q['rank'].field}_{item}"] = [str(place)]
    if rng.random() < 0.15:
        raw[q["more"].field] = [rng.choice(MORE)]
    return raw


def load() -> None:
    process = db.session.scalar(sa.select(Process).where(Process.title == TITLE))
    organiser = db.session.scalar(sa.select(User).where(User.username == "president"))
    accounts.grant_role(organiser, "organiser", scope_type="process", scope_id=process.id)
    survey, q = _build(process, organiser)
    rng = random.Random(27)
    people = db.session.scalars(sa.select(User).where(User.username.like("volunteer%"))
                                .order_by(User.id).limit(RESPONSES)).all()
    for person in people:
        surveys.respond(survey, person, _answers(rng, q))
    db.session.flush()
