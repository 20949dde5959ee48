"""A live debate as the room lives it: the moderator's console, two phones and the projector, each a browser.

One phone is a resident who signed in, the other an anonymous person who typed the join code. Nothing is
reloaded by hand: every screen follows the debate's events. Each step waits for what a person would see
(``expect`` with a timeout), never for a fixed time.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

#: a screen shows a change within this time (the question list is sent at most once a second; generous for a
#: loaded test machine: a passing step takes well under a second)
SOON = 10_000
POLL = "Should the library open on Sundays?"
FIRST = "Who tells the story of the people who arrive?"
SECOND = "Will there be interpretation into Arabic next time?"


@pytest.fixture
def live_debate(live_server, make_user, db):
    from consult.debates import services

    moderator = make_user("karim", display_name="Karim", roles=("moderator",))
    make_user("lucia", display_name="Lucia", verified=True)
    debate = services.create_debate(moderator, title="Telling a different story about migration",
                                    description="A debate in the *moderator / expert / public* format.",
                                    starts_at=datetime(2030, 5, 4, 17), place="Biblioteca civica",
                                    languages="Italiano, Français", allow_anonymous=True)
    services.add_segment(debate, "Opening", 5)
    services.add_segment(debate, "Questions from the public", 30)
    services.start_debate(debate, moderator)
    db.session.commit()
    return debate


def _streams(debate_id, n, timeout=8.0):
    """Wait until ``n`` screens hold the debate's event stream open."""
    from consult.debates.events import broker

    end = time.monotonic() + timeout
    while broker.count(debate_id) < n and time.monotonic() < end:
        time.sleep(0.05)
    assert broker.count(debate_id) >= n, f"only {broker.count(debate_id)} event streams connected"


def _speaker(db, debate_id, name):
    from consult.debates.models import SpeakerRequest

    db.session.rollback()  # read what the server committed
    return db.session.query(SpeakerRequest).filter_by(debate_id=debate_id, name=name).one()


def _question(page, text):
    return page.locator("#question-list li", has_text=text)


def test_a_live_debate_with_two_phones_and_a_projector(live_server, new_context, live_debate, db):
    base, d = live_server, live_debate

    # the moderator opens the console; the projector is on the wall
    mod = new_context().new_page()
    sign_in(mod, base, "karim")
    mod.goto(f"{base}/debates/{d.id}/console")
    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(f"{base}/debates/{d.id}/projector")
    expect(projector.locator("#p-status")).to_contain_text("Live now", timeout=SOON)

    # phone A: Lucia, signed in; phone B: someone who types the code shown on the wall
    phone_a = new_context().new_page()
    sign_in(phone_a, base, "lucia")
    phone_a.goto(f"{base}/debates/{d.id}")
    phone_b = new_context().new_page()
    phone_b.goto(f"{base}/debates/")
    phone_b.get_by_label("Join code").fill(d.join_code.lower())
    phone_b.get_by_role("button", name="Join").click()
    expect(phone_b.get_by_role("heading", level=1)).to_have_text(d.title, timeout=SOON)
    for phone in (phone_a, phone_b):
        expect(phone.locator("#public-poll")).to_contain_text("No poll is open right now.", timeout=SOON)
    _streams(d.id, 4)

    # the moderator prepares a poll and opens it: both phones show the ballot, without reloading
    mod.get_by_label("Poll question").fill(POLL)
    mod.get_by_label("Kind of poll").select_option("yes_no_abstain")
    mod.get_by_role("button", name="Prepare the poll").click()
    expect(mod.locator("#console-polls")).to_contain_text(POLL, timeout=SOON)
    mod.locator("#console-polls").get_by_role("button", name=re.compile(r"^Open\b")).click()
    for phone in (phone_a, phone_b):
        ballot = phone.locator("#public-poll")
        expect(ballot.get_by_role("group", name=POLL)).to_be_visible(timeout=SOON)
        expect(ballot.get_by_role("button", name="Send my answer")).to_be_visible(timeout=SOON)

    # the moderator puts the results on screen; phone B answers
    mod.locator("#console-polls").get_by_role("button", name="Show results on screen").click()
    expect(projector.locator("#p-poll")).to_contain_text("The poll is open.", timeout=SOON)
    phone_b.locator("#public-poll").get_by_label("Yes", exact=True).check()
    phone_b.locator("#public-poll").get_by_role("button", name="Send my answer").click()
    expect(phone_b.get_by_text("Thank you. Your answer has been counted.")).to_be_visible(timeout=SOON)
    expect(projector.locator("#p-poll tbody")).to_contain_text(re.compile(r"Yes\s*1\b"), timeout=SOON)

    # the moderator closes the poll: the results reach the projector and both phones
    mod.locator("#console-polls").get_by_role("button", name=re.compile(r"^Close\b")).click()
    expect(projector.locator("#p-poll")).to_contain_text("The poll is closed.", timeout=SOON)
    expect(projector.locator("#p-poll tbody")).to_contain_text(re.compile(r"Yes\s*1\b"), timeout=SOON)
    for phone in (phone_a, phone_b):
        ballot = phone.locator("#public-poll")
        expect(ballot).to_contain_text("The poll is closed.", timeout=SOON)
        expect(ballot.locator("tbody")).to_contain_text(re.compile(r"Yes\s*1\b"), timeout=SOON)
        expect(ballot.get_by_role("button", name="Send my answer")).to_have_count(0, timeout=SOON)

    # phone B asks; phone A likes the question: 1 like, and still 1 after the next live updates
    phone_b.get_by_label("Your question", exact=True).fill(FIRST)
    phone_b.get_by_role("button", name="Send my question").click()
    expect(phone_b.locator("#ask .alert--success")).to_be_visible(timeout=SOON)
    expect(_question(phone_a, FIRST)).to_be_visible(timeout=SOON)
    _question(phone_a, FIRST).get_by_role("button", name="Like").click()
    expect(_question(phone_a, FIRST).locator(".like__count")).to_have_text("Likes: 1", timeout=SOON)
    phone_b.get_by_label("Your question", exact=True).fill(SECOND)
    phone_b.get_by_role("button", name="Send my question").click()
    expect(_question(phone_a, SECOND)).to_be_visible(timeout=SOON)  # a list sent after the like
    expect(mod.locator("#console-questions")).to_contain_text(SECOND, timeout=SOON)
    mod.locator("#console-questions li", has_text=SECOND).get_by_role("button", name="Shortlist").click()
    expect(_question(phone_a, SECOND)).to_contain_text("Shortlisted", timeout=SOON)  # and another one
    expect(_question(phone_a, FIRST).locator(".like__count")).to_have_text("Likes: 1", timeout=SOON)
    expect(_question(phone_a, FIRST)).to_contain_text("You like this question.", timeout=SOON)
    expect(_question(phone_a, FIRST).get_by_role("button", name="Like")).to_have_count(0, timeout=SOON)
    expect(_question(phone_b, FIRST).locator(".like__count")).to_have_text("Likes: 1", timeout=SOON)

    # someone in the room joins the queue
    mod.locator("#speakers").get_by_label("Name", exact=True).fill("Amina")
    mod.get_by_role("button", name="Add to the queue").click()
    expect(mod.locator("#console-speakers")).to_contain_text("Amina", timeout=SOON)
    expect(projector.locator("#p-speakers")).to_contain_text("Amina", timeout=SOON)
    amina = _speaker(db, d.id, "Amina")

    # the moderator presses "Give the floor" while the console is refreshing its panels: phone B asks to speak
    # and phone A asks a question in that moment. The click still goes through.
    give = mod.locator(f"#req-{amina.id}").get_by_role("button", name="Give the floor")
    give.scroll_into_view_if_needed()
    box = give.bounding_box()
    mod.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    mod.mouse.down()
    with mod.expect_response(lambda r: "part=speakers" in r.url, timeout=SOON), \
            mod.expect_response(lambda r: "part=questions" in r.url, timeout=SOON):
        phone_a.get_by_label("Your question", exact=True).fill("Where do the experts come from?")
        phone_a.get_by_role("button", name="Send my question").click()
        phone_b.get_by_label("Your name for the moderator").fill("Bruno")
        phone_b.get_by_role("button", name="I want to speak").click()
    mod.mouse.up()
    expect(projector.locator("#p-speakers .speaker-now__name")).to_have_text("Amina", timeout=SOON)
    assert _speaker(db, d.id, "Amina").status == "speaking"  # the server has it
    expect(mod.locator("#console-speakers")).to_contain_text("Stop the speech", timeout=SOON)
    expect(mod.locator("#console-speakers")).to_contain_text("Bruno", timeout=SOON)
    expect(phone_b.locator("#speak-live")).to_contain_text("You are in the speakers queue.", timeout=SOON)

    # the moderator gives Bruno the floor: phone B says so, without reloading
    mod.locator("#console-speakers tr", has_text="Bruno").get_by_role("button", name="Give the floor").click()
    expect(phone_b.locator("#speak-live")).to_contain_text("You have the floor.", timeout=SOON)
    expect(projector.locator("#p-speakers .speaker-now__name")).to_have_text("Bruno", timeout=SOON)

    # the moderator ends the debate: the projector no longer says "Live now"; the phones close what was open
    mod.get_by_role("button", name="End the debate").click()
    expect(mod.locator("#console-status")).to_contain_text("Ended", timeout=SOON)
    expect(projector.locator("#p-status .badge")).to_have_text("Ended", timeout=SOON)
    expect(projector.locator("#p-status")).not_to_contain_text("Live now", timeout=SOON)
    for phone in (phone_a, phone_b):
        expect(phone.locator("#live-status .badge")).to_have_text("Ended", timeout=SOON)
        expect(phone.locator("#speak-live")).to_contain_text("The debate has ended.", timeout=SOON)
        expect(phone.locator("#ask-live")).to_contain_text("Questions are closed.", timeout=SOON)
        likes = phone.locator("#question-list").get_by_role("button", name="Like")
        expect(likes).to_have_count(0, timeout=SOON)

    # a reload shows the same
    phone_b.reload()
    expect(phone_b.locator("#live-status .badge")).to_have_text("Ended", timeout=SOON)
    expect(phone_b.locator("#public-poll")).to_contain_text("The poll is closed.", timeout=SOON)
    projector.reload()
    expect(projector.locator("#p-status .badge")).to_have_text("Ended", timeout=SOON)


def test_a_flood_of_likes_sends_the_items_that_changed_and_reorders_the_list(live_server, new_context,
                                                                              live_debate, db):
    """With many questions, a like sends the phones the questions that changed, not the whole list: the phone
    puts them in its list, in the new order (most liked first), and keeps what it showed of the others."""
    from consult.debates import services
    from consult.debates.changes import Participant
    from consult.debates.models import Question

    d = live_debate
    for n in range(12):
        services.ask_question(d, Participant(f"a:seed-{n}"), f"Seed question number {n}?")
    db.session.commit()
    phone = new_context().new_page()
    phone.goto(f"{live_server}/debates/{d.id}")
    phone.evaluate("window.liveEvents = [];"
                   "document.addEventListener('htmx:sseBeforeMessage', function (e) {"
                   "  window.liveEvents.push(e.detail.type); });")
    _streams(d.id, 1)
    items = phone.locator("#question-list li")
    expect(items).to_have_count(12)
    last = "Seed question number 11?"
    expect(items.first).not_to_contain_text(last)
    for key in ("a:liker-1", "a:liker-2"):
        question = db.session.query(Question).filter_by(debate_id=d.id, text=last).one()
        services.like_question(d, question, Participant(key))
        db.session.commit()
    expect(items.first).to_contain_text(last, timeout=SOON)
    expect(items.first.locator(".like__count")).to_have_text("Likes: 2", timeout=SOON)
    expect(items).to_have_count(12)
    expect(phone.locator("#question-list li", has_text="Seed question number 0?")).to_contain_text("Likes: 0")
    # (a whole list may come too: on PostgreSQL a previous test's debate 1 can still be heard late)
    assert "question-changes" in phone.evaluate("window.liveEvents")
    # the phone's own like is marked and stays marked when the next change comes
    mine = _question(phone, "Seed question number 3?")
    mine.get_by_role("button", name="Like").click()
    expect(mine).to_contain_text("You like this question.", timeout=SOON)
    # someone else likes another question from their phone
    other = new_context().new_page()
    other.goto(f"{live_server}/debates/{d.id}")
    theirs = _question(other, "Seed question number 5?")
    theirs.get_by_role("button", name="Like").click()
    expect(theirs).to_contain_text("You like this question.", timeout=SOON)
    expect(_question(phone, "Seed question number 5?").locator(".like__count")).to_have_text("Likes: 1",
                                                                                              timeout=SOON)
    expect(_question(phone, "Seed question number 3?")).to_contain_text("You like this question.")
    expect(_question(phone, "Seed question number 3?").locator(".like__count")).to_have_text("Likes: 1")
