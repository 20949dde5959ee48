"""Survey pages: building as an organiser (422 with everything kept), answering page by page without
JavaScript (a page skipped when nothing on it applies, answers carried and checked again, errors shown with
what was typed), anonymity said before answering, results and CSV for the organisers, who sees what."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from consult.core.errors import DomainError
from consult.surveys import services as surveys
from consult.surveys.models import Survey, SurveyQuestion, SurveyResponse
from tests.helpers import count
from tests.surveys.conftest import build


def carried(html: str) -> str:
    value = re.search(r'name="carried" value="([^"]*)"', html).group(1)
    return value.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def step(html: str) -> str:
    return re.search(r'name="step" value="(\d+)"', html).group(1)


def test_organisers_build_a_survey_through_the_pages(client, world, db):
    assert client.get(f"/processes/{world.process.id}/surveys/new").status_code == 303  # sign in first
    client.sign_in("r0")
    assert client.get(f"/processes/{world.process.id}/surveys/new").status_code == 403
    client.sign_out()
    client.sign_in("org")
    response = client.post_form(f"/processes/{world.process.id}/surveys/new",
                                {"title": "", "description": "Kept text", "anonymity": "anonymous",
                                 "eligibility_rule_id": "0"})
    assert response.status_code == 422 and "Kept text" in response.get_data(as_text=True)
    response = client.post_form(f"/processes/{world.process.id}/surveys/new",
                                {"title": "Our libraries", "description": "", "anonymity": "named",
                                 "eligibility_rule_id": "0"})
    assert response.status_code == 303
    survey = db.session.scalar(sa.select(Survey))
    assert survey.anonymous is False and survey.status == "draft"
    section = survey.sections[0]
    bad = client.post_form(f"/survey-sections/{section.id}/questions/new",
                           {"kind": "single", "text": "Which library?", "options": "Only one"})
    assert bad.status_code == 422 and "Please give at least two options" in bad.get_data(as_text=True)
    assert "Which library?" in bad.get_data(as_text=True)
    good = client.post_form(f"/survey-sections/{section.id}/questions/new",
                            {"kind": "single", "text": "Which library?", "options": "Centro\nPorto\n"})
    assert good.status_code == 303
    first = db.session.scalar(sa.select(SurveyQuestion))
    later = client.post_form(f"/survey-sections/{section.id}/questions/new",
                             {"kind": "long_text", "text": "What about Porto?", "condition": f"{first.id}:2"})
    assert later.status_code == 303
    assert db.session.scalar(sa.select(SurveyQuestion).where(SurveyQuestion.id != first.id)
                             ).condition_option_ids == [2]
    page = client.get(f"/surveys/{survey.id}/manage").get_data(as_text=True)
    assert "Which library?" in page and "Publish the survey" in page
    assert client.post_form(f"/surveys/{survey.id}/publish").status_code == 303
    db.session.refresh(survey)
    assert survey.status == "published"


def test_the_process_page_links_to_its_surveys(client, world, survey, db):
    s, _q = survey
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert f"/surveys/{s.id}" in page
    listing = client.get(f"/processes/{world.process.id}/surveys").get_data(as_text=True)
    assert "The welcome desk" in listing


def test_a_draft_is_for_the_organisers(client, world, db):
    s, _q = build(world, publish=False)
    db.session.commit()
    assert client.get(f"/surveys/{s.id}").status_code == 303  # sign in first
    client.sign_in("r0")
    assert client.get(f"/surveys/{s.id}").status_code == 403
    assert f"/surveys/{s.id}" not in client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    client.sign_out()
    client.sign_in("org")
    assert client.get(f"/surveys/{s.id}").status_code == 200


def test_the_survey_says_it_is_anonymous_before_answering(client, world, survey):
    s, _q = survey
    page = client.get(f"/surveys/{s.id}").get_data(as_text=True)
    assert "This survey is anonymous." in page
    client.sign_in("r0")
    page = client.get(f"/surveys/{s.id}/answer").get_data(as_text=True)
    assert "This survey is anonymous." in page and "Page 1 of 3" in page


def test_answering_without_javascript_page_by_page(client, world, survey, db):
    s, q = survey
    client.sign_in("r0")
    first = client.get(f"/surveys/{s.id}/answer").get_data(as_text=True)
    # the conditional question of the same page shows with its condition in words
    assert "Answer only if you chose “No” in “Did you use the welcome desk?”." in first
    # a missing required answer: 422, what was typed is kept
    response = client.post_form(f"/surveys/{s.id}/answer", {"step": "0", "carried": "{}", "go": "next",
                                                            q["why_not"].field: "Too far away"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This question needs an answer." in html and "Too far away" in html
    # "No": the second page (ranking, matrix: only for "Yes") is skipped
    response = client.post_form(f"/surveys/{s.id}/answer", {
        "step": "0", "carried": "{}", "go": "next", q["used"].field: "2", q["why_not"].field: "Too far away",
        q["services"].field: ["1", "3"], q["ease"].field: "2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Anything else" in html and step(html) == "2"
    assert json.loads(carried(html))[q["why_not"].field] == ["Too far away"]
    # back to page 1 keeps the answers
    back = client.post_form(f"/surveys/{s.id}/answer", {"step": "2", "carried": carried(html), "go": "back",
                                                        q["more"].field: "Draft"})
    assert step(back.get_data(as_text=True)) == "0" and "Too far away" in back.get_data(as_text=True)
    done = client.post_form(f"/surveys/{s.id}/answer", {"step": "2", "carried": carried(html), "go": "next",
                                                        q["more"].field: "More evening hours"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/surveys/{s.id}/thanks")
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None
    assert response.answers[str(q["more"].id)] == "More evening hours"
    assert response.answers[str(q["why_not"].id)] == "Too far away"
    # once answered: the page says so, a second try is refused
    assert "You have answered this survey." in client.get(f"/surveys/{s.id}").get_data(as_text=True)
    assert client.get(f"/surveys/{s.id}/answer").status_code == 409


def test_a_tampered_earlier_page_is_checked_again(client, world, survey, db):
    s, q = survey
    client.sign_in("r1")
    forged = json.dumps({q["used"].field: ["9"]})
    response = client.post_form(f"/surveys/{s.id}/answer", {"step": "2", "carried": forged, "go": "next"})
    assert response.status_code == 422 and step(response.get_data(as_text=True)) == "0"
    assert count(SurveyResponse) == 0


def test_results_and_csv_for_organisers_then_public(client, world, survey, db):
    s, q = survey
    surveys.respond(s, world.residents[0], {q["used"].field: ["1"], q["more"].field: ["=HYPERLINK(1)"]})
    db.session.commit()
    assert client.get(f"/surveys/{s.id}/results").status_code == 303  # organisers only: sign in
    client.sign_in("org")
    page = client.get(f"/surveys/{s.id}/results").get_data(as_text=True)
    assert "<svg" in page and "Results in figures" in page and "1 response." in page
    csv = client.get(f"/surveys/{s.id}/responses.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in csv.get_data(as_text=True)
    response = db.session.scalar(sa.select(SurveyResponse))
    hide = client.post_form(f"/surveys/{s.id}/responses/{response.id}/hide",
                            {"question_id": str(q["more"].id), "hidden": "1"})
    assert hide.status_code == 303
    assert client.post_form(f"/surveys/{s.id}/results-visibility", {"public": "1"}).status_code == 303
    client.sign_out()
    public = client.get(f"/surveys/{s.id}/results").get_data(as_text=True)
    assert "HYPERLINK" not in public and "Did you use the welcome desk?" in public
    assert client.get(f"/surveys/{s.id}/responses.csv").status_code in (303, 403)


def test_a_published_survey_keeps_its_anonymity_and_opening(client, world, survey, db):
    s, _q = survey
    client.sign_in("org")
    page = client.get(f"/surveys/{s.id}/edit").get_data(as_text=True)
    assert 'name="anonymity"' not in page and "This survey is anonymous." in page
    response = client.post_form(f"/surveys/{s.id}/edit", {"title": "The welcome desk, 2027", "closes_at": ""})
    assert response.status_code == 303
    db.session.refresh(s)
    assert s.title == "The welcome desk, 2027" and s.anonymous


def test_a_section_others_depend_on_stays(world, db):
    s, q = build(world, publish=False)
    with pytest.raises(DomainError, match="depends on this one"):
        surveys.delete_section(s.sections[0], world.organiser)
    surveys.delete_section(s.sections[2], world.organiser)
    assert len(s.sections) == 2 and q["more"] not in s.questions


def test_organisers_move_a_question(client, world, db):
    s, q = build(world, publish=False)
    db.session.commit()
    client.sign_in("org")
    page = client.get(f"/surveys/{s.id}/manage").get_data(as_text=True)
    assert "Move up" in page and f"/survey-questions/{q['ease'].id}/move" in page
    response = client.post_form(f"/survey-questions/{q['ease'].id}/move", {"direction": "up"})
    assert response.status_code == 303
    refused = client.post_form(f"/survey-questions/{q['why_not'].id}/move", {"direction": "up"})
    assert refused.status_code == 303  # the refusal is flashed on the survey's page
    db.session.expire_all()
    survey = db.session.get(Survey, s.id)
    assert [x.id for x in survey.ordered_questions()][:4] == [q["used"].id, q["why_not"].id, q["ease"].id,
                                                               q["services"].id]
