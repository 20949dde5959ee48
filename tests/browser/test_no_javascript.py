"""Every core flow with JavaScript switched off: propose (preview, publish), comment, support, vote, read
minutes.

The pages are plain HTML forms (post/redirect/get); htmx, server-sent events and the live preview only improve
them. Each step checks what the server recorded or shows afterwards, not just that a page loaded.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.minutes import services as minutes
from consult.votes import services as votes
from tests.browser.conftest import sign_in
from tests.minutes.fixtures import record
from tests.proposals.conftest import admin, make_process  # noqa: F401


@pytest.fixture
def no_js(new_context):
    def page():
        context = new_context(java_script_enabled=False)
        return context.new_page()

    return page


def test_core_flows_without_javascript(live_server, no_js, make_user, make_process):  # noqa: F811
    from consult.proposals.models import Proposal

    process = make_process(threshold=5)
    make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)
    make_user("chen", display_name="Chen", verified=True, birth_year=1993)
    poll = votes.create_poll(question="Which place should open first?", method="single",
                             options=["Library", "Park", "Clinic"])
    votes.open_poll(poll)
    president = make_user("president", display_name="Adama")
    published = minutes.create_draft(record(), council_id=1)
    for step in (minutes.submit, minutes.approve, minutes.publish):
        step(published, actor=president)
    db.session.commit()
    base = live_server

    # propose: the form, the preview, publish
    author = no_js()
    sign_in(author, base, "yusuf")
    author.goto(f"{base}/processes/{process.id}")
    assert author.evaluate("typeof window.htmx") == "undefined"  # the page's scripts really did not run
    author.get_by_role("link", name="Write a proposal").click()
    author.get_by_label("Title").fill("Resident cards for everyone")
    author.get_by_label("Your proposal").fill("A card for **every** resident, whatever their papers.")
    author.get_by_role("button", name="Preview").click()
    expect(author.locator(".proposal-preview strong")).to_have_text("every")
    author.get_by_role("button", name="Publish").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Resident cards for everyone")
    proposal_url = author.url
    db.session.commit()  # a fresh transaction: see what the server wrote
    proposal = db.session.scalar(db.select(Proposal).where(Proposal.title == "Resident cards for everyone"))
    assert proposal is not None and proposal.published_at is not None

    # comment and support, as another resident
    other = no_js()
    sign_in(other, base, "chen")
    other.goto(proposal_url)
    other.get_by_label("Your comment").fill("Without JavaScript it *works* too.")
    other.get_by_label("In favour").check()
    other.get_by_role("button", name="Post comment").click()
    expect(other.locator(".comment__body").first).to_contain_text("Without JavaScript it works too.")
    other.get_by_role("button", name="Support this proposal").click()
    expect(other.locator("#support-box")).to_contain_text("1 support")
    expect(other.get_by_role("button", name="Take back my support")).to_be_visible()
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.support_count == 1

    # vote: ballot, confirmation step, cast, tracker
    other.goto(f"{base}/polls/{poll.id}")
    other.get_by_label("Park", exact=True).check()
    other.get_by_role("button", name="Check my ballot").click()
    expect(other.locator(".confirm-summary")).to_contain_text("Park")
    other.get_by_role("button", name="Cast my vote").click()
    expect(other.locator("#tracker")).to_have_text(votes.TRACKER_PATTERN)
    other.goto(f"{base}/polls/{poll.id}")
    expect(other.get_by_text("You voted in this poll.")).to_be_visible()

    # read minutes, as a visitor: the list, the minutes, the printable page
    visitor = no_js()
    visitor.goto(f"{base}/minutes/")
    visitor.get_by_role("link", name="Minutes: Ordinary session").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Ordinary session")
    expect(visitor.locator(".minutes__text")).to_contain_text("Oksana (member)")
    visitor.get_by_role("link", name="Printable page").click()
    expect(visitor.locator("body")).to_contain_text("Oksana (member)")
