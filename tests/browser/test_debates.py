"""A live debate in four browsers: the moderator's console, two phones and the projector.

An action in one appears in the others through server-sent events; axe checks each page type; with JavaScript
off, a phone still asks a question and reads the question list.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

TIMEOUT = 5000


@pytest.fixture
def live_debate(live_server, make_user, db):
    from consult.debates import services

    moderator = make_user("karim", display_name="Karim", roles=("moderator",))
    debate = services.create_debate(moderator, title="Telling a different story about migration",
                                    description="A debate in the *moderator / expert / public* format.",
                                    starts_at=datetime(2030, 5, 4, 17), place="Biblioteca civica",
                                    languages="Italiano, Français", interpretation=True, allow_anonymous=True)
    services.add_segment(debate, "Opening", 5)
    services.add_segment(debate, "Questions from the public", 30)
    services.add_panelist(debate, "Dr. Leila Haddad", "expert", "Sociologist")
    services.start_debate(debate, moderator)
    db.session.commit()
    return debate


def _wait_for_streams(debate_id, n, timeout=8.0):
    from consult.debates.events import broker

    end = time.monotonic() + timeout
    while broker.count(debate_id) < n and time.monotonic() < end:
        time.sleep(0.05)
    assert broker.count(debate_id) >= n, f"only {broker.count(debate_id)} event streams connected"


def _htmx_idle(page, timeout=TIMEOUT):
    """Wait until no htmx request, swap or settle is under way on ``page``."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
                           timeout=timeout)


def test_an_action_in_one_screen_appears_in_the_others(live_server, new_context, live_debate):
    base, d = live_server, live_debate
    mod = new_context().new_page()
    sign_in(mod, base, "karim")
    expect(mod.locator(".account-nav__name")).to_have_text("Karim")
    mod.goto(f"{base}/debates/{d.id}/console")
    phone1 = new_context().new_page()
    phone1.goto(f"{base}/debates/{d.id}")
    phone2 = new_context().new_page()
    phone2.goto(f"{base}/debates/{d.id}")
    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(f"{base}/debates/{d.id}/projector")
    expect(projector.locator(".join-code--big")).to_have_text(d.join_code)
    _wait_for_streams(d.id, 4)

    # a phone asks: the other phone and the console see it without reloading
    phone1.get_by_label("Your question", exact=True).fill("Who tells the story of the people who arrive?")
    phone1.get_by_role("button", name="Send my question").click()
    expect(phone1.locator("#ask .alert--success")).to_be_visible(timeout=TIMEOUT)
    expect(phone2.locator("#question-list")).to_contain_text("Who tells the story", timeout=TIMEOUT)
    expect(mod.locator("#console-questions")).to_contain_text("Who tells the story", timeout=TIMEOUT)

    # the other phone likes it: the first phone sees the count
    phone2.locator("#question-list").get_by_role("button", name="Like").first.click()
    expect(phone1.locator("#question-list .like__count").first).to_have_text("Likes: 1", timeout=TIMEOUT)

    # the moderator puts it on screen and gives the floor: the projector and the phones follow
    mod.locator("#console-questions").get_by_role("button", name="Show on screen").first.click()
    expect(projector.locator("#p-question")).to_contain_text("Who tells the story", timeout=TIMEOUT)
    expect(mod.locator("#console-questions")).to_contain_text("On screen now", timeout=TIMEOUT)
    _htmx_idle(mod)
    mod.locator("#speaker-name").fill("Amina")
    mod.get_by_role("button", name="Add to the queue").click()
    expect(mod.locator("#console-speakers")).to_contain_text("Amina", timeout=TIMEOUT)
    expect(projector.locator("#p-speakers")).to_contain_text("Amina", timeout=TIMEOUT)
    _htmx_idle(mod)
    mod.locator("#console-speakers").get_by_role("button", name="Give the floor").first.click()
    expect(projector.locator("#p-speakers .speaker-now__name")).to_have_text("Amina", timeout=TIMEOUT)
    expect(phone2.locator("#live-speakers .speaker-now__name")).to_have_text("Amina", timeout=TIMEOUT)
    expect(projector.locator("#p-speakers .timer--down")).to_have_text(
        __import__("re").compile(r"^1:5\d|^2:00$"), timeout=TIMEOUT)

    # the moderator moves to the next segment (once the console has finished its own page swap, so the click
    # is not on a button that is being replaced)
    expect(mod.locator("#console-speakers")).to_contain_text("Stop the speech", timeout=TIMEOUT)
    _htmx_idle(mod)
    mod.get_by_role("button", name="Next segment").click()
    expect(mod.locator("#console-status tr[aria-current=step]")).to_contain_text("Questions from the public",
                                                                               timeout=TIMEOUT)
    expect(projector.locator("#p-status")).to_contain_text("Questions from the public", timeout=TIMEOUT)

    axe_check(phone1)
    axe_check(mod)
    axe_check(projector)
    phone1.goto(f"{base}/debates/")
    axe_check(phone1)


def test_without_javascript_a_phone_asks_and_reads(live_server, new_context, live_debate):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server}/d/{live_debate.join_code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(live_debate.title)
    page.get_by_label("Your question", exact=True).fill("Is there interpretation into Arabic?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.locator(".alert--success")).to_contain_text("Your question has been sent")
    expect(page.locator("#question-list")).to_contain_text("Is there interpretation into Arabic?")
    page.goto(f"{live_server}/debates/{live_debate.id}/questions?sort=time")
    expect(page.locator("#question-list")).to_contain_text("Is there interpretation into Arabic?")
    page.goto(f"{live_server}/debates/join?code=WRONG1")
    expect(page.locator(".field__error")).to_contain_text("No debate has the join code")


def test_the_programme_is_edited_without_javascript_and_the_phones_follow(live_server, new_context,
                                                                          live_debate):
    base, d = live_server, live_debate
    phone = new_context().new_page()
    phone.goto(f"{base}/debates/{d.id}")
    _wait_for_streams(d.id, 1)
    mod = new_context(java_script_enabled=False).new_page()
    sign_in(mod, base, "karim")
    mod.goto(f"{base}/debates/{d.id}/console")
    opening, questions = (mod.locator("#agenda li.programme__row").nth(n) for n in (0, 1))

    # the running segment is renamed: the phone's status line and its programme follow
    opening.get_by_label("Segment title").fill("Welcome and rules")
    opening.get_by_role("button", name="Save").click()
    expect(mod.locator(".alert--success")).to_contain_text("The segment is saved.")
    expect(phone.locator("#live-status")).to_contain_text("Welcome and rules", timeout=TIMEOUT)
    expect(phone.locator("#programme .agenda")).to_contain_text("Welcome and rules", timeout=TIMEOUT)

    # the questions go first, and the expert leaves the stage: the phone's programme follows
    questions = mod.locator("#agenda li.programme__row").nth(1)
    questions.get_by_role("button", name="Move up").click()
    expect(mod.locator("#agenda li.programme__row").first.get_by_label("Segment title")).to_have_value(
        "Questions from the public")
    expect(phone.locator("#programme .agenda li").first).to_contain_text("Questions from the public",
                                                                          timeout=TIMEOUT)
    mod.locator("#stage li.programme__row").first.get_by_role("button", name="Remove").click()
    expect(mod.locator(".alert--success")).to_contain_text("no longer on the stage list")
    expect(phone.locator("#programme")).to_contain_text("not announced yet", timeout=TIMEOUT)

    # in Arabic, right to left, the same forms; axe checks the console (with JavaScript: axe runs in the page)
    mod.goto(f"{base}/debates/{d.id}/console?lang=ar")
    expect(mod.locator("html")).to_have_attribute("dir", "rtl")
    expect(mod.locator("#agenda li.programme__row")).to_have_count(2)
    checked = new_context().new_page()
    sign_in(checked, base, "karim")
    checked.goto(f"{base}/debates/{d.id}/console?lang=ar")
    expect(checked.locator("html")).to_have_attribute("dir", "rtl")
    axe_check(checked)
