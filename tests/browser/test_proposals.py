"""A resident proposes (preview, publish), another supports with htmx and without JavaScript; axe on each
page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from tests.proposals.conftest import admin, make_process, make_resident  # noqa: F401


def _sign_in(page, base, username):
    sign_in(page, base, username)
    # a boosted sign-in finishes after the click returns: wait for the signed-in header
    expect(page.locator(".account-nav__name")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_propose_then_support(live_server, new_context, make_process, make_resident, javascript):  # noqa: F811
    process = make_process(threshold=5)
    make_resident(username="yusuf", display_name="Yusuf")
    make_resident(username="chen", display_name="Chen")
    page = new_context(java_script_enabled=javascript).new_page()
    _sign_in(page, live_server, "yusuf")
    page.goto(f"{live_server}/processes/{process.id}")
    if javascript:
        axe_check(page)
    page.get_by_role("link", name="Write a proposal").click()
    page.wait_for_load_state()
    if javascript:
        axe_check(page)
    page.get_by_label("Title").fill("Resident cards for everyone")
    page.get_by_label("Your proposal").fill("A card for **every** resident, whatever their papers.")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    expect(page.locator(".proposal-preview strong")).to_have_text("every")
    if javascript:
        axe_check(page)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resident cards for everyone")
    url = page.url

    other = new_context(java_script_enabled=javascript).new_page()
    _sign_in(other, live_server, "chen")
    other.goto(url)
    if javascript:
        axe_check(other)
    other.get_by_role("button", name="Support this proposal").click()
    expect(other.locator("#support-box")).to_contain_text("1 support")
    expect(other.get_by_role("button", name="Take back my support")).to_be_visible()
    other.goto(f"{live_server}/proposals")
    expect(other.locator(".proposal-list")).to_contain_text("Resident cards for everyone")
    if javascript:
        axe_check(other)
