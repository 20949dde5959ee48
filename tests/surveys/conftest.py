"""A process with an organiser (role ``organiser`` for the process), verified residents, and a survey built
through the services: a first page (a single choice that makes a later question apply, a multiple choice, a
scale), a second page asked only when the first answer says so (ranking, matrix), a third page of text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from consult.accounts import services as accounts
from consult.processes import services as processes
from consult.residency.models import EligibilityRule
from consult.surveys import services as surveys


@dataclass
class World:
    process: object
    admin: object
    organiser: object
    residents: list = field(default_factory=list)
    stranger: object = None


@pytest.fixture
def world(db, make_user):
    admin = make_user("admin1", roles=("admin",))
    rule = EligibilityRule(name="Verified residents", min_level="verified")
    db.session.add(rule)
    process = processes.create_process(actor=admin, title="Welcoming city 2027", rule=rule)
    organiser = make_user("org", display_name="Olga")
    accounts.grant_role(organiser, "organiser", scope_type="process", scope_id=process.id)
    residents = [make_user(f"r{n}", display_name=f"Resident {n}", verified=True, birth_year=1990)
                 for n in range(4)]
    stranger = make_user("visitor")  # signed up, not verified
    db.session.commit()
    return World(process=process, admin=admin, organiser=organiser, residents=residents, stranger=stranger)


def build(world, *, anonymous=True, publish=True):
    """The survey about the welcome desk (see the module docstring); returns (survey, questions by key)."""
    survey = surveys.create_survey(world.process, world.organiser, title="The welcome desk",
                                   description="How did the **welcome desk** help you?", anonymous=anonymous)
    first = survey.sections[0]
    q = {}
    q["used"] = surveys.add_question(first, world.organiser, kind="single",
                                     text="Did you use the welcome desk?",
                                     required=True, options=["Yes", "No"])
    q["why_not"] = surveys.add_question(first, world.organiser, kind="short_text", text="Why not?",
                                        condition_question_id=q["used"].id, condition_option_ids=[2])
    q["services"] = surveys.add_question(first, world.organiser, kind="multiple", text="Which services?",
                                         options=["Housing", "Language", "Work", "Health"], max_choices=2)
    q["ease"] = surveys.add_question(first, world.organiser, kind="scale", text="How easy was it?",
                                     scale_min=1, scale_max=5, min_label="Hard", max_label="Easy")
    second = surveys.add_section(survey, world.organiser, title="The desk in detail")
    q["rank"] = surveys.add_question(second, world.organiser, kind="ranking", text="Rank what matters",
                                     options=["Opening hours", "Languages spoken", "Waiting time"],
                                     condition_question_id=q["used"].id, condition_option_ids=[1])
    q["grid"] = surveys.add_question(second, world.organiser, kind="matrix", text="Rate the desk",
                                     rows=["Staff", "Information"], scale_min=1, scale_max=4,
                                     condition_question_id=q["used"].id, condition_option_ids=[1])
    third = surveys.add_section(survey, world.organiser, title="Anything else")
    q["more"] = surveys.add_question(third, world.organiser, kind="long_text",
                                     text="Anything else to tell us?")
    if publish:
        surveys.publish(survey, world.organiser)
    return survey, q


@pytest.fixture
def survey(world, db):
    built = build(world)
    db.session.commit()
    return built
