"""A newcomer signs up and signs in, in English and in Arabic, with and without JavaScript; axe on every
page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

PAGES = ["/", "/privacy", "/verify", "/sign-in", "/sign-up", "/reset", "/reset-code"]


def _sign_up(page, base, username, display_name, labels):
    page.goto(f"{base}/sign-up")
    page.get_by_label(labels["username"]).fill(username)
    page.get_by_label(labels["display"]).fill(display_name)
    page.get_by_label(labels["password"], exact=True).fill("a long enough password")
    page.get_by_role("button", name=labels["submit"]).click()
    page.wait_for_load_state()


EN = {"username": "Username", "display": "Display name (pseudonym)", "password": "Password",
      "submit": "Create my account", "welcome": "Welcome", "sign_out": "Sign out", "sign_in": "Sign in"}
AR = {"username": "اسم المستخدم", "display": "الاسم الظاهر (اسم مستعار)", "password": "كلمة المرور",
      "submit": "إنشاء حسابي", "welcome": "أهلاً", "sign_out": "تسجيل الخروج", "sign_in": "تسجيل الدخول"}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang,labels", [("en", EN), ("ar", AR)])
def test_newcomer_signs_up_signs_out_and_in(live_server, new_context, lang, labels, javascript):
    context = new_context(java_script_enabled=javascript, locale=lang)
    page = context.new_page()
    page.goto(f"{live_server}/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _sign_up(page, live_server, f"newcomer_{lang}", "Nadia", labels)
    expect(page.locator(".alert--success")).to_contain_text(labels["welcome"])
    page.get_by_role("button", name=labels["sign_out"]).click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name=labels["sign_in"]).first).to_be_visible()
    page.goto(f"{live_server}/sign-in")
    page.get_by_label(labels["username"]).fill(f"newcomer_{lang}")
    page.get_by_label(labels["password"], exact=True).fill("a long enough password")
    page.get_by_role("main").get_by_role("button", name=labels["sign_in"]).click()
    page.wait_for_load_state()
    expect(page.locator(".account-nav__name")).to_have_text("Nadia")


def test_form_errors_are_shown_and_nothing_is_lost(live_server, page):
    page.goto(f"{live_server}/sign-up")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Display name (pseudonym)").fill("Keep me")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#username-error")).to_contain_text("between 3 and 40")
    expect(page.get_by_label("Display name (pseudonym)")).to_have_value("Keep me")
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_on_every_foundation_page(live_server, make_user, new_context, lang):
    make_user("staff", roles=("admin",))
    context = new_context(locale=lang)
    page = context.new_page()
    page.goto(f"{live_server}/?lang={lang}")
    for path in PAGES:
        page.goto(live_server + path)
        axe_check(page)
    sign_in(page, live_server, "staff") if lang == "en" else _sign_in_any(page, live_server, "staff")
    for path in ["/profile", "/admin/users", "/admin/users/1", "/does-not-exist"]:
        page.goto(live_server + path)
        axe_check(page)


def _sign_in_any(page, base, username):
    page.goto(f"{base}/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill("correct horse battery")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()


def test_arabic_page_is_right_to_left(live_server, new_context, tmp_path):
    context = new_context(locale="ar")
    page = context.new_page()
    page.goto(f"{live_server}/sign-up?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=str(tmp_path / "signup-ar.png"), full_page=True)
    width = page.evaluate("document.documentElement.clientWidth")
    brand = page.locator(".brand").bounding_box()
    heading = page.locator("main h1").bounding_box()
    # in right-to-left the brand sits at the right edge and headings are aligned to the right
    assert brand["x"] + brand["width"] > width * 0.6
    assert heading["x"] + heading["width"] > width * 0.6
    assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == "rtl"


def test_page_is_readable_on_a_small_phone(live_server, new_context):
    context = new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ["/", "/sign-up"]:
        page.goto(live_server + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 360, f"{path} scrolls sideways on a 360 px screen ({scroll_width}px)"


def test_axe_check_can_fail(page):
    page.set_content('<html lang="en"><head><title>x</title></head><body><main><img '
                     'src="data:,"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page)


def test_pages_request_nothing_from_another_host(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ["/", "/sign-up", "/privacy"]:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    foreign = [url for url in requested if not url.startswith(live_server) and not url.startswith("data:")]
    assert requested and foreign == []
