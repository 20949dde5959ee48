"""A verified resident votes (single choice, then ranked) with JavaScript off; axe on each vote page type.

axe needs JavaScript in the page, so the accessibility checks run in a second, JavaScript-on context.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.votes import services as votes
from tests.browser.conftest import axe_check, sign_in


def _poll(method, options, **kwargs):
    poll = votes.create_poll(question=f"Demo {method} poll?", method=method, options=options, **kwargs)
    votes.open_poll(poll)
    db.session.commit()
    return poll.id


def _vote_single(page, base, poll_id, option, *, axe=False):
    page.goto(f"{base}/polls/{poll_id}")
    expect(page.get_by_text("Verified residents of the city, whatever their nationality.")).to_be_visible()
    if axe:
        axe_check(page)
    page.get_by_label(option).check()
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_role("heading", name="Confirm your vote")).to_be_visible()
    if axe:
        axe_check(page)
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("#tracker")).to_have_text(votes.TRACKER_PATTERN)
    if axe:
        axe_check(page)
    page.goto(f"{base}/polls/{poll_id}")
    expect(page.get_by_text("You voted in this poll.")).to_be_visible()


@pytest.mark.browser
def test_verified_resident_votes_single_and_ranked_without_javascript(live_server, new_context, make_user):
    make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)
    single = _poll("single", ["Library", "Park", "Clinic"])
    ranked = _poll("ranked_irv", ["Language café", "Welcome desk", "Night of cultures"])
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "yusuf")
    _vote_single(page, live_server, single, "Park")

    page.goto(f"{live_server}/polls/{ranked}")
    page.get_by_label("Welcome desk").select_option("1")
    page.get_by_label("Language café").select_option("2")
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_text("1. Welcome desk")).to_be_visible()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("#tracker")).to_be_visible()


@pytest.mark.browser
def test_vote_pages_results_and_unverified_notice_pass_axe(live_server, new_context, make_user):
    from consult.votes.models import Poll

    make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)
    make_user("newcomer")
    single = _poll("single", ["Library", "Park", "Clinic"])
    closed_id = _poll("ranked_irv", ["North", "South", "East"])
    poll = db.session.get(Poll, closed_id)
    a, b, c = (o.id for o in poll.options)
    for ranking in ([a, b], [b], [c, b]):
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), ranking)
    votes.close_poll(poll)
    db.session.commit()

    page = new_context().new_page()
    sign_in(page, live_server, "yusuf")
    _vote_single(page, live_server, single, "Clinic", axe=True)
    page.goto(f"{live_server}/polls/{closed_id}/results")
    expect(page.get_by_role("table", name="Instant-runoff rounds")).to_be_visible()
    axe_check(page)

    other = new_context().new_page()
    sign_in(other, live_server, "newcomer")
    other.goto(f"{live_server}/polls/{single}")
    expect(other.get_by_role("link", name="Verify my residence")).to_be_visible()
    axe_check(other)


# ------------------------------------------------------------------------------------ every method, in the
# browser

from tests.votes.conftest import make_poll  # noqa: E402,F401 - the votes factory, shared with this module


def _rank(page, ranks):
    for label, n in ranks.items():
        page.get_by_label(label, exact=True).select_option(str(n))


def _fill(page, values):
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


#: method -> (how the ballot is filled in, a line the confirmation step shows)
BALLOTS = {
    "yes_no_abstain": (lambda p: p.get_by_label("Yes", exact=True).check(), "Yes"),
    "single": (lambda p: p.get_by_label("Park", exact=True).check(), "Park"),
    "approval": (lambda p: [p.get_by_label(x, exact=True).check() for x in ("Library", "Clinic")], "Clinic"),
    "ranked_irv": (lambda p: _rank(p, {"Park": 1, "Library": 2}), "1. Park"),
    "schulze": (lambda p: _rank(p, {"Clinic": 1, "Park": 2, "Library": 3}), "1. Clinic"),
    "score": (lambda p: _fill(p, {"Library": "5", "Park": "2", "Clinic": "0"}), "Library"),
    "points": (lambda p: _fill(p, {"Library": "6", "Park": "4"}), "Park"),
}


@pytest.mark.browser
@pytest.mark.parametrize("method", list(BALLOTS))
def test_verified_resident_votes_with_each_method(method, live_server, new_context, make_user, make_poll):  # noqa: F811
    """Ballot → confirmation in words → cast → tracker shown once → "you voted" on the poll page."""
    make_user("amina", display_name="Amina", verified=True, birth_year=1988)
    poll_id = make_poll(method).id
    fill, summary = BALLOTS[method]
    page = new_context().new_page()
    sign_in(page, live_server, "amina")

    page.goto(f"{live_server}/polls/{poll_id}")
    fill(page)
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_role("heading", name="Confirm your vote")).to_be_visible()
    expect(page.locator(".confirm-summary")).to_contain_text(summary)
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("#tracker")).to_have_text(votes.TRACKER_PATTERN)
    tracker = page.locator("#tracker").inner_text().strip()

    page.reload()  # the tracker is shown only once
    expect(page.get_by_text("The tracker was shown only once and cannot be shown again.")).to_be_visible()
    expect(page.locator("#tracker")).to_have_count(0)
    assert tracker not in page.content()
    page.goto(f"{live_server}/polls/{poll_id}")
    expect(page.get_by_text("You voted in this poll.")).to_be_visible()
    expect(page.get_by_role("button", name="Check my ballot")).to_have_count(0)
    db.session.rollback()  # see the server's commits
    poll = votes.get_poll(poll_id)
    votes.close_poll(poll)
    db.session.commit()
    assert votes.is_counted(poll, tracker)
    assert votes.results(poll).voters == 1
