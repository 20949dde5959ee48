"""A participatory budget's knapsack ballot in a real browser: the live total as projects are ticked (and its
warning over the budget), the server's check with JavaScript off (the message, the choices kept), and the
results partial (both rules, chart, table), each checked by axe, in English and in Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.votes import services as votes
from consult.votes.models import Poll
from consult.votes.owners import _owners, register_owner
from tests.browser.conftest import axe_check, sign_in

COSTS = (120_000, 90_000, 60_000)


@pytest.fixture
def budget_poll(db):
    register_owner("pb-browser", spec_extras=lambda poll: {
        "costs": {o.id: COSTS[o.position] for o in poll.options}, "budget_limit": 200_000,
        "pb_rule": "equal_shares"})
    poll = votes.create_poll(question="Welcome budget", method="pb_knapsack",
                             options=["Community garden", "Language café", "Benches by the river"],
                             owner_type="pb-browser", owner_id=1)
    votes.open_poll(poll)
    db.session.commit()
    yield poll.id
    _owners.pop("pb-browser", None)


@pytest.mark.browser
def test_the_knapsack_total_follows_the_ticks_and_warns_over_the_budget(live_server, new_context, make_user,
                                                                         budget_poll):
    make_user("amal", display_name="Amal", verified=True, birth_year=1990)
    page = new_context().new_page()
    sign_in(page, live_server, "amal")
    page.goto(f"{live_server}/polls/{budget_poll}")
    status = page.locator("[data-pb-status]")
    expect(status).to_be_visible()
    expect(page.locator("[data-pb-sum]")).to_have_text("0")
    page.get_by_label("Community garden").check()
    expect(page.locator("[data-pb-sum]")).to_have_text("120,000")
    expect(page.locator("[data-pb-left]")).to_have_text("80,000")
    page.get_by_label("Language café").check()
    expect(page.locator("[data-pb-sum]")).to_have_text("210,000")
    expect(page.locator("[data-pb-over]")).to_be_visible()
    axe_check(page)
    page.screenshot(path="/tmp/counting-knapsack-en.png", full_page=True)
    page.get_by_label("Language café").uncheck()
    page.get_by_label("Benches by the river").check()
    expect(page.locator("[data-pb-over]")).to_be_hidden()
    page.get_by_role("button", name="Check my ballot").click()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("#tracker")).to_be_visible()


@pytest.mark.browser
def test_without_javascript_the_server_refuses_an_over_budget_ballot_and_keeps_the_choices(
        live_server, new_context, make_user, budget_poll):
    make_user("bilal", display_name="Bilal", verified=True, birth_year=1990)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "bilal")
    page.goto(f"{live_server}/polls/{budget_poll}")
    expect(page.locator("[data-pb-status]")).to_be_hidden()
    page.get_by_label("Community garden").check()
    page.get_by_label("Language café").check()
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_text("more than the budget of 200,000")).to_be_visible()
    expect(page.get_by_label("Community garden")).to_be_checked()
    expect(page.get_by_label("Language café")).to_be_checked()
    expect(page.get_by_label("Benches by the river")).not_to_be_checked()
    page.screenshot(path="/tmp/counting-knapsack-nojs.png", full_page=True)


@pytest.mark.browser
def test_the_results_show_both_rules_in_english_and_arabic(live_server, new_context, make_user, budget_poll):
    poll = db.session.get(Poll, budget_poll)
    garden, cafe, benches = (o.id for o in poll.options)
    for n, chosen in enumerate(([garden], [garden], [cafe], [cafe, benches], [benches])):
        votes.cast_ballot(poll, make_user(f"voter{n}", verified=True, birth_year=1990), chosen)
    votes.close_poll(poll)
    db.session.commit()
    make_user("chen", display_name="Chen", verified=True, birth_year=1990)
    for language in ("en", "ar"):
        page = new_context(locale=language, extra_http_headers={"Accept-Language": language}).new_page()
        page.goto(f"{live_server}/polls/{budget_poll}")
        expect(page.locator(".pb-results svg")).to_be_visible()
        expect(page.locator(".pb-results__table tbody tr")).to_have_count(3)
        axe_check(page)
        page.screenshot(path=f"/tmp/counting-results-{language}.png", full_page=True)
