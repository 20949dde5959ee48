"""A survey answered in real browsers: with JavaScript (the conditional question of the page appears when its
option is chosen, the page that does not apply is skipped), without JavaScript (the condition said in words, a
ranking checked by the server with a clear message and nothing typed lost, a page per section), and in Arabic
(right to left); the responses stored without user id; the organiser's results with charts and tables. axe on
each page type of surveys."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.extensions import db as _db
from consult.surveys.models import SurveyResponse
from tests.browser.conftest import axe_check, sign_in
from tests.surveys.conftest import build, world  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def published(world, db):  # noqa: F811
    survey, q = build(world)
    _db.session.commit()
    return survey, q


def test_answering_with_javascript_skips_what_does_not_apply(live_server, new_context, published):
    survey, q = published
    page = new_context().new_page()
    sign_in(page, live_server, "r0")
    page.goto(f"{live_server}/surveys/{survey.id}")
    expect(page.locator("#survey-privacy")).to_contain_text("This survey is anonymous.")
    axe_check(page)
    page.get_by_role("link", name="Answer the survey").click()
    why_not = page.locator(f"#question-{q['why_not'].id}")
    expect(why_not).to_be_hidden()
    page.get_by_label("No", exact=True).check()
    expect(why_not).to_be_visible()
    axe_check(page)
    why_not.get_by_role("textbox").fill("Too far from home")
    page.get_by_role("checkbox", name="Language").check()
    page.locator(f"#question-{q['ease'].id}").get_by_label("4").check()
    page.get_by_role("button", name="Continue").click()
    # "No": the page about the desk is skipped
    expect(page.get_by_role("heading", level=1)).to_have_text("Anything else")
    page.get_by_label("Your answer").fill("Evening hours, please.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    _db.session.rollback()
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None
    assert response.answers[str(q["why_not"].id)] == "Too far from home"


def test_answering_without_javascript_page_by_page(live_server, new_context, published):
    survey, q = published
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "r1")
    page.goto(f"{live_server}/surveys/{survey.id}/answer")
    expect(page.locator(f"#question-{q['why_not'].id}")).to_contain_text(
        "Answer only if you chose “No” in “Did you use the welcome desk?”.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The desk in detail")
    rank = page.locator(f"#question-{q['rank'].id}")
    rank.get_by_label("Opening hours").fill("1")
    rank.get_by_label("Languages spoken").fill("1")
    rank.get_by_label("Waiting time").fill("2")
    page.get_by_role("button", name="Continue").click()
    expect(rank).to_contain_text("Please give each item a different number from 1 to 3 (1 for the first).")
    expect(rank.get_by_label("Waiting time")).to_have_value("2")
    rank.get_by_label("Languages spoken").fill("3")
    grid = page.locator(f"#question-{q['grid'].id}")
    grid.get_by_role("radio", name="Staff 4").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anything else")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    _db.session.rollback()
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None
    assert response.answers[str(q["rank"].id)] == [1, 3, 2]
    assert response.answers[str(q["grid"].id)] == {"1": 4}


def test_answering_in_arabic(live_server, new_context, published):
    survey, q = published
    page = new_context().new_page()
    sign_in(page, live_server, "r2")
    page.goto(f"{live_server}/surveys/{survey.id}/answer?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator(f"input[name='{q['used'].field}'][value='1']").check()
    page.locator(f"input[name='{q['ease'].field}'][value='5']").check()
    page.locator("button[name='go'][value='next']").click()
    for item, place in ((1, 2), (2, 3), (3, 1)):
        page.locator(f"input[name='{q['rank'].field}_{item}']").fill(str(place))
    page.locator("button[name='go'][value='next']").click()
    page.locator(f"textarea[name='{q['more'].field}']").fill("شكرًا على الترحيب")
    axe_check(page)
    page.locator("button[name='go'][value='next']").click()
    expect(page).to_have_url(f"{live_server}/surveys/{survey.id}/thanks")
    _db.session.rollback()
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None and response.answers[str(q["more"].id)] == "شكرًا على الترحيب"
    assert response.answers[str(q["rank"].id)] == [3, 1, 2]


def test_the_organiser_builds_and_reads_the_results(live_server, new_context, published):
    survey, q = published
    page = new_context().new_page()
    sign_in(page, live_server, "org")
    page.goto(f"{live_server}/surveys/{survey.id}/manage")
    axe_check(page)
    page.get_by_role("link", name="Edit").first.click()
    axe_check(page)
    page.goto(f"{live_server}/surveys/{survey.id}/results")
    expect(page.locator("svg.chart").first).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server}/processes/{survey.process_id}/surveys/new")
    axe_check(page)
