"""A resident opens their proposal for amendment, another proposes an amendment, both see the diff, the author
accepts and the amender is credited; with JavaScript and without. axe on each page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.core.time import to_local
from consult.extensions import db
from consult.proposals import services as proposals
from tests.browser.conftest import axe_check, sign_in
from tests.proposals.conftest import admin, make_process, make_resident  # noqa: F401


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_propose_an_amendment_see_the_diff_and_accept_it(live_server, new_context, make_process,  # noqa: F811
                                                         make_resident, javascript):  # noqa: F811
    process = make_process()
    yusuf = make_resident(username="yusuf", display_name="Yusuf")
    make_resident(username="amina", display_name="Amina")
    proposal = proposals.create_draft(process, yusuf, title="Resident cards",
                                      body="A card for every resident.\nIt opens the library.", language="en")
    proposals.publish(proposal, yusuf)
    db.session.commit()
    url = f"{live_server}/proposals/{proposal.id}"

    author = new_context(java_script_enabled=javascript).new_page()
    sign_in(author, live_server, "yusuf")
    author.goto(url)
    author.get_by_role("link", name="Amendments and versions").click()
    author.wait_for_load_state()
    if javascript:
        axe_check(author)
    closes = to_local(utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    author.get_by_label("Amendments are taken until").fill(closes)
    author.get_by_role("button", name="Save").click()
    author.wait_for_load_state()
    expect(author.locator(".alert--success")).to_contain_text("takes amendments until")

    amender = new_context(java_script_enabled=javascript).new_page()
    sign_in(amender, live_server, "amina")
    amender.goto(url)
    amender.get_by_role("link", name="Propose an amendment").click()
    amender.wait_for_load_state()
    if javascript:
        axe_check(amender)
    amender.get_by_label("The whole text as you propose it").fill(
        "A card for every resident.\nIt opens the library and the swimming pool.")
    amender.get_by_role("button", name="Propose this amendment").click()
    amender.wait_for_load_state()
    # nothing lost: the explanation was missing
    expect(amender.locator(".field__error")).to_contain_text("explain your amendment")
    expect(amender.get_by_label("The whole text as you propose it")).to_have_value(
        "A card for every resident.\nIt opens the library and the swimming pool.")
    amender.get_by_label("Why this change?").fill("The pool is where newcomers meet.")
    amender.get_by_role("button", name="Propose this amendment").click()
    amender.wait_for_load_state()
    expect(amender.locator("table.diff del")).to_contain_text("It opens the library.")
    expect(amender.locator("table.diff ins")).to_contain_text("and the swimming pool")
    if javascript:
        axe_check(amender)
    amendment_url = amender.url

    author.goto(amendment_url)
    expect(author.locator("table.diff ins")).to_contain_text("and the swimming pool")
    if javascript:
        axe_check(author)
    author.get_by_role("button", name="Accept the amendment").click()
    author.wait_for_load_state()
    expect(author.get_by_role("heading", level=1)).to_have_text("Resident cards")
    expect(author.locator(".amendment-credits")).to_have_text("Amended by Amina")
    expect(author.locator(".proposal-body")).to_contain_text("and the swimming pool")
    if javascript:
        axe_check(author)
