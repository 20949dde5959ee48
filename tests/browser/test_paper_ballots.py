"""Two registrars type a polling station's paper slips: one with JavaScript (htmx keeps the form on the page,
slip after slip), the other without (each slip is a full page, 303 back to the form); a mismatch is listed
and corrected; the batch joins the count and the results show the station. axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.votes import services as votes
from tests.browser.conftest import axe_check, sign_in


def _type(page, slip, choice=None, *, blank=False):
    page.get_by_label("Slip number").fill(str(slip))
    if blank:
        page.get_by_label("Blank slip").check()
    else:
        page.get_by_label("Valid: as marked below").check()
        page.get_by_label(choice).select_option("1")
    page.get_by_role("button", name="Save this slip").click()


@pytest.mark.browser
def test_two_registrars_type_a_batch_with_and_without_javascript(live_server, new_context, make_user):
    make_user("giulia", display_name="Giulia", roles=("registrar",))
    make_user("omar", display_name="Omar", roles=("registrar",))
    poll = votes.create_poll(question="Which project first?", method="ranked_irv",
                             options=["Language café", "Welcome desk", "Night of cultures"])
    votes.open_poll(poll)
    db.session.commit()
    poll_id = poll.id
    db.session.commit()  # no read transaction left open while the server writes

    first = new_context().new_page()
    sign_in(first, live_server, "giulia")
    first.goto(f"{live_server}/polls/{poll_id}/paper-ballots")
    axe_check(first)
    first.get_by_label("Polling station").fill("Town hall")
    first.get_by_label("Number of slips in the pile").fill("2")
    first.get_by_role("button", name="Start the batch").click()
    expect(first.get_by_role("heading", name="Paper ballots: Town hall")).to_be_visible()
    batch_url = first.url
    axe_check(first)
    _type(first, 1, "Welcome desk")
    expect(first.get_by_text("Slip 1 saved. Its second copy must be typed by someone else.")).to_be_visible()
    assert first.url == batch_url  # htmx: the same page, the form ready for the next slip
    expect(first.get_by_label("Slip number")).to_have_value("2")
    _type(first, 2, blank=True)
    expect(first.get_by_text("You have typed every slip of this batch.")).to_be_visible()

    second = new_context(java_script_enabled=False).new_page()
    sign_in(second, live_server, "omar")
    second.goto(batch_url)
    _type(second, 1, "Night of cultures")
    expect(second.get_by_text("the two copies differ")).to_be_visible()
    _type(second, 2, blank=True)
    second.get_by_role("link", name="1 slip whose copies differ").click()
    expect(second.get_by_role("cell", name="1. Welcome desk")).to_be_visible()
    expect(second.get_by_role("cell", name="1. Night of cultures (your copy)")).to_be_visible()
    second.get_by_label("Slip number").fill("1")
    second.get_by_label("Welcome desk").select_option("1")
    second.get_by_role("button", name="Correct my copy").click()
    expect(second.get_by_text("Slip 1 saved: both copies agree.")).to_be_visible()

    first.goto(batch_url)
    axe_check(first)
    first.get_by_role("button", name="Add this batch to the count").click()
    expect(first.get_by_text("The batch's slips have joined the count.")).to_be_visible()
    expect(first.get_by_role("cell", name="Counted")).to_be_visible()

    db.session.commit()  # a new transaction sees what the server wrote
    db.session.expire_all()
    votes.close_poll(votes.get_poll(poll_id))
    db.session.commit()
    first.goto(f"{live_server}/polls/{poll_id}/results")
    expect(first.get_by_text("Town hall (paper ballots, each typed twice)")).to_be_visible()
