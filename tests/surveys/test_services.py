"""Survey services: building rules, conditional questions, answers checked, one response per person,
anonymity by schema (no user id, only the day), results and the CSV file."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.audit import AuditEntry
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.time import today
from consult.notifications import services as notifications
from consult.surveys import answers as reading
from consult.surveys import results as figures
from consult.surveys import services as surveys
from consult.surveys.models import SurveyParticipant, SurveyResponse
from tests.surveys.conftest import build


def raw(**fields) -> dict:
    return {name: value if isinstance(value, list) else [str(value)] for name, value in fields.items()}


def answers_yes(q, **more):
    data = {q["used"].field: "1", q["services"].field: ["1", "2"], q["ease"].field: "4",
            f"{q['rank'].field}_1": "2", f"{q['rank'].field}_2": "1", f"{q['rank'].field}_3": "3",
            f"{q['grid'].field}_1": "4", f"{q['grid'].field}_2": "3", q["more"].field: "Thank you!"}
    data.update(more)
    return raw(**data)


def test_an_anonymous_response_has_no_user_id_and_only_the_day(world, survey, db):
    s, q = survey
    person = world.residents[0]
    response = surveys.respond(s, person, answers_yes(q))
    db.session.commit()
    stored = db.session.execute(sa.select(SurveyResponse.__table__)).mappings().one()
    assert stored["user_id"] is None and stored["given_on"] == today()
    assert set(stored) == {"id", "survey_id", "user_id", "given_on", "answers", "hidden"}
    assert stored["answers"] == {str(q["used"].id): 1, str(q["services"].id): [1, 2], str(q["ease"].id): 4,
                                 str(q["rank"].id): [2, 1, 3], str(q["grid"].id): {"1": 4, "2": 3},
                                 str(q["more"].id): "Thank you!"}
    # who answered is kept apart, with no link to the response
    assert db.session.get(SurveyParticipant, (s.id, person.id)) is not None
    assert set(SurveyParticipant.__table__.columns.keys()) == {"survey_id", "user_id"}
    assert len(response.id) == 36


def test_a_named_response_keeps_the_person(world, db):
    s, q = build(world, anonymous=False)
    response = surveys.respond(s, world.residents[1], answers_yes(q))
    assert response.user_id == world.residents[1].id
    text = figures.csv_text(s)
    assert "Resident 1" in text.splitlines()[1] and "Person" in text.splitlines()[0]


def test_one_response_per_person(world, survey, db):
    s, q = survey
    surveys.respond(s, world.residents[0], answers_yes(q))
    with pytest.raises(Conflict):
        surveys.respond(s, world.residents[0], answers_yes(q))


def test_answers_to_questions_that_do_not_apply_are_ignored(world, survey, db):
    s, q = survey
    # "No": the ranking and matrix do not apply (sent anyway), "why not" applies
    response = surveys.respond(s, world.residents[0], answers_yes(q, **{q["used"].field: "2",
                                                                        q["why_not"].field: "Too far"}))
    assert set(response.answers) == {str(q[k].id) for k in ("used", "why_not", "services", "ease", "more")}
    # "Yes": the answer to "why not" is dropped
    response = surveys.respond(s, world.residents[1], answers_yes(q, **{q["why_not"].field: "ignored"}))
    assert str(q["why_not"].id) not in response.answers and str(q["rank"].id) in response.answers


@pytest.mark.parametrize("field,value,message", [
    ("used", "", "This question needs an answer."),
    ("used", "7", "Please choose one of the options."),
    ("services", ["1", "2", "3"], "Please choose at most 2 options."),
    ("ease", "9", "Please choose a value from 1 to 5."),
    ("rank", None, "Please give each item a different number from 1 to 3 (1 for the first)."),
])
def test_wrong_answers_are_refused_with_their_reason(world, survey, db, field, value, message):
    s, q = survey
    data = answers_yes(q)
    if field == "rank":
        data[f"{q['rank'].field}_1"] = ["1"]
        data[f"{q['rank'].field}_2"] = ["1"]
    else:
        data[q[field].field] = value if isinstance(value, list) else [value]
    with pytest.raises(surveys.AnswerErrors) as caught:
        surveys.respond(s, world.residents[0], data)
    assert str(caught.value.errors[q[field].id]) == message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_pages_that_do_not_apply_are_skipped(world, survey, db):
    s, q = survey
    pages = [[x for x in s.ordered_questions() if x.section_id == sec.id] for sec in s.sections]
    no, _e = reading.clean(pages[0], raw(**{q["used"].field: "2"}))
    yes, _e = reading.clean(pages[0], raw(**{q["used"].field: "1"}))
    assert not reading.section_may_apply(pages[1], no)
    assert reading.section_may_apply(pages[1], yes)
    assert reading.section_may_apply(pages[2], no)
    # a conditional question of the same page is asked there (the server decides when the page is sent)
    assert reading.section_may_apply([q["used"], q["why_not"]], {})
    assert not reading.section_may_apply([q["rank"]], {})


def test_who_may_answer(world, survey, db):
    s, q = survey
    with pytest.raises(NotAllowed):  # not verified: the process's rule
        surveys.respond(s, world.stranger, answers_yes(q))
    surveys.close(s, world.organiser)
    with pytest.raises(NotAllowed):
        surveys.respond(s, world.residents[0], answers_yes(q))


def test_building_rules(world, db):
    s, q = build(world, publish=False)
    section = s.sections[0]
    with pytest.raises(DomainError, match="at least two options"):
        surveys.add_question(section, world.organiser, kind="single", text="Alone?", options=["Only one"])
    with pytest.raises(DomainError, match="2 to 11 values"):
        surveys.add_question(section, world.organiser, kind="scale", text="Far?", scale_min=1, scale_max=20)
    with pytest.raises(DomainError, match="earlier single or multiple choice"):
        surveys.add_question(section, world.organiser, kind="short_text", text="Depends on text",
                             condition_question_id=q["more"].id, condition_option_ids=[1])
    with pytest.raises(DomainError, match="fit the options"):
        surveys.add_question(section, world.organiser, kind="multiple", text="Many", options=["a", "b"],
                             min_choices=2, max_choices=1)
    with pytest.raises(DomainError, match="depends on this one"):
        surveys.delete_question(q["used"], world.organiser)
    with pytest.raises(NotAllowed):  # a resident is not an organiser
        surveys.add_question(section, world.residents[0], kind="short_text", text="Mine")


def test_editing_is_locked_once_answers_exist_except_the_wording(world, survey, db):
    s, q = survey
    surveys.respond(s, world.residents[0], answers_yes(q))
    with pytest.raises(NotAllowed):
        surveys.add_question(s.sections[0], world.organiser, kind="short_text", text="Late question")
    with pytest.raises(NotAllowed):
        surveys.delete_question(q["more"], world.organiser)
    with pytest.raises(DomainError, match="reworded, not added"):
        surveys.update_question(q["used"], world.organiser, text="Did you use it?",
                                options=["Yes", "No", "?"])
    surveys.update_question(q["used"], world.organiser, text="Did you use our desk?", kind="scale",
                            required=False, options=["Yes, I did", "No"])
    assert q["used"].text == "Did you use our desk?" and q["used"].kind == "single" and q["used"].required
    assert q["used"].options == [{"id": 1, "label": "Yes, I did"}, {"id": 2, "label": "No"}]


def test_publishing_tells_the_process_followers_and_is_audited(world, db, monkeypatch):
    told = []
    monkeypatch.setattr(notifications, "notify_followers", lambda target, event, **kw: told.append(
        (target, event, kw.get("survey"))))
    s, _q = build(world)
    assert told == [(world.process, "survey_opened", "The welcome desk")]
    actions = db.session.scalars(sa.select(AuditEntry.action)
                                 .where(AuditEntry.subject_type == "survey")).all()
    assert "surveys.created" in actions and "surveys.published" in actions


def test_anonymity_cannot_change_once_published(world, survey, db):
    s, _q = survey
    surveys.update_survey(s, world.organiser, anonymous=False, title="The welcome desk (2027)")
    assert s.anonymous is True and s.title == "The welcome desk (2027)"


def test_results_counts_means_rankings_and_hidden_texts(world, survey, db):
    s, q = survey
    surveys.respond(s, world.residents[0], answers_yes(q))
    surveys.respond(s, world.residents[1], answers_yes(q, **{q["ease"].field: "2", q["more"].field: "Rude"}))
    surveys.respond(s, world.residents[2],
                    answers_yes(q, **{q["used"].field: "2", q["why_not"].field: "Far"}))
    rude = next(r for r in figures.responses_of(s) if r.answers.get(str(q["more"].id)) == "Rude")
    surveys.set_hidden(rude, q["more"], world.organiser, True)
    by_id = {r.question.id: r for r in figures.results(s, public=True)}
    used = by_id[q["used"].id]
    assert [(b.label, b.value) for b in used.bars] == [("Yes", 2), ("No", 1)]
    assert by_id[q["ease"].id].mean == pytest.approx((4 + 2 + 4) / 3, abs=0.01)
    assert [(b.label, b.value, b.extra["first"]) for b in by_id[q["rank"].id].bars][0] == (
        "Languages spoken", 4, 2)
    assert [b.extra["mean"] for b in by_id[q["grid"].id].bars] == [4, 3]
    assert [t["text"] for t in by_id[q["more"].id].texts] == ["Thank you!", "Thank you!"] or \
        "Rude" not in [t["text"] for t in by_id[q["more"].id].texts]
    organisers = {r.question.id: r for r in figures.results(s, public=False)}
    assert any(t["text"] == "Rude" and t["hidden"] for t in organisers[q["more"].id].texts)
    text = figures.csv_text(s)
    lines = text.splitlines()
    assert len(lines) == 4 and "Person" not in lines[0]
    assert "Rank what matters — Opening hours" in lines[0]
    assert not any(r.display_name in text for r in world.residents)


def test_my_data_gives_named_answers_back_and_only_the_fact_for_anonymous_ones(world, survey, db):
    from consult.surveys import _export

    s, q = survey
    named, nq = build(world, anonymous=False)
    person = world.residents[0]
    surveys.respond(s, person, answers_yes(q))
    surveys.respond(named, person, {nq["used"].field: ["2"]})
    data = _export(person)
    assert data["answered_surveys"] == sorted([s.id, named.id])
    assert [r["survey_id"] for r in data["named_responses"]] == [named.id]
    assert data["named_responses"][0]["answers"] == {str(nq["used"].id): 2}


def test_moving_questions_keeps_conditions_after_what_they_depend_on(world, db):
    s, q = build(world, publish=False)
    with pytest.raises(DomainError, match="before the question it depends on"):
        surveys.move_question(q["why_not"], world.organiser, -1)
    surveys.move_question(q["ease"], world.organiser, -1)
    first = [x.id for x in s.ordered_questions() if x.section_id == s.sections[0].id]
    assert first == [q["used"].id, q["why_not"].id, q["ease"].id, q["services"].id]
    surveys.move_question(q["used"], world.organiser, -1)  # already first: nothing moves
    assert s.ordered_questions()[0] is q["used"]
