"""A newcomer signs up, redeems a resident-card code and sees "Verified resident" — with and without
JavaScript. A registrar prints a batch of cards. axe on each new page type."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.residency import services
from tests.browser.conftest import axe_check, sign_in


@pytest.fixture
def card_code(db, make_user):
    registrar = make_user("giulia", roles=("registrar",))
    _batch, codes = services.issue_card_codes(registrar, count=1, valid_days=30, label="Browser test")
    db.session.commit()
    return codes[0]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_newcomer_signs_up_redeems_a_code_and_is_verified(live_server, new_context, card_code, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(f"{live_server}/sign-up")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Display name (pseudonym)").fill("Nadia")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".alert--success")).to_contain_text("Welcome")
    page.goto(f"{live_server}/verify")
    expect(page.locator("#verification-status")).to_contain_text("Not verified yet")
    page.get_by_role("textbox", name="Resident card code").fill("wrong-code-0000")
    page.get_by_role("button", name="Use this code").click()
    expect(page.locator("#code-error")).to_contain_text("not valid")
    page.get_by_role("textbox", name="Resident card code").fill(card_code.lower())
    page.get_by_role("button", name="Use this code").click()
    page.wait_for_url(re.compile(r"/profile$"))
    expect(page.locator("#verification-status")).to_contain_text("Verified resident")
    expect(page.locator(".alert--success")).to_contain_text("verified resident")


def test_qr_link_prefills_the_code(live_server, page, card_code, make_user):
    make_user("amina")
    sign_in(page, live_server, "amina")
    page.goto(f"{live_server}/verify?code={card_code}")
    expect(page.get_by_role("textbox", name="Resident card code")).to_have_value(card_code)


def test_registrar_prints_cards_and_axe(live_server, page, make_user):
    make_user("giulia", roles=("registrar",))
    sign_in(page, live_server, "giulia")
    page.goto(f"{live_server}/registrar")
    axe_check(page)
    page.goto(f"{live_server}/registrar/cards")
    axe_check(page)
    page.get_by_label("Label for staff").fill("Help desk Porto")
    page.get_by_label("Number of codes").fill("4")
    page.get_by_role("button", name="Make and print the codes").click()
    expect(page.locator(".resident-card")).to_have_count(4)
    expect(page.locator(".resident-card svg").first).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server}/registrar/register")
    axe_check(page)
    page.goto(f"{live_server}/registrar/in-person")
    axe_check(page)


def test_axe_on_resident_pages(live_server, page, make_user):
    make_user("amina")
    sign_in(page, live_server, "amina")
    for path in ("/verify", "/verify/in-person", "/profile", "/profile/my-data"):
        page.goto(f"{live_server}{path}")
        axe_check(page)
    page.goto(f"{live_server}/verify/in-person")
    page.get_by_role("button", name="Show my one-time code").click()
    expect(page.locator(".code-slip__code")).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    axe_check(page)
