"""Comments, moderation and notifications in a real browser: post and reply with htmx (no reload) and without
JavaScript, report, moderate, follow; axe on each new page type."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.comments import services as comments
from consult.moderation import services as moderation
from tests.browser.conftest import axe_check, sign_in
from tests.comments.support import make_item


@pytest.fixture
def item(db, make_user):
    return make_item(make_user("itemauthor"))


def test_post_and_reply_with_htmx_without_reload(live_server, new_context, make_user, item):
    make_user("amina", display_name="Amina")
    page = new_context().new_page()
    sign_in(page, live_server, "amina")
    page.goto(f"{live_server}{item.url}")
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Your comment").fill("A desk at the station, *please*.")
    page.get_by_label("In favour").check()
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment__body").first).to_contain_text("A desk at the station, please.")
    expect(page.locator(".comment-count")).to_contain_text("1 comment")
    assert page.evaluate("window.__marker") == "same page"  # no reload
    page.locator(".comment__reply a").first.click()  # the form comes in place (htmx), the cursor in it
    expect(page.get_by_label("Your reply")).to_be_focused()
    page.get_by_label("Your reply").fill("")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".alert--error")).to_be_visible()
    page.get_by_label("Your reply").fill("And in several languages.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".comment-thread--replies .comment__body")).to_contain_text("several languages")
    expect(page.locator(".comment-count")).to_contain_text("2 comments")
    assert page.evaluate("window.__marker") == "same page"
    axe_check(page)


def test_post_report_and_follow_without_javascript(live_server, new_context, make_user, item, db):
    make_user("amina", display_name="Amina")
    writer = make_user("writer")
    comments.post_comment(writer, item, "A rumour to report")
    db.session.commit()  # the live server writes too
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "amina")
    page.goto(f"{live_server}{item.url}")
    page.get_by_label("Your comment").fill("Without JavaScript it works too.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    expect(page.locator(".alert--success")).to_contain_text("Your comment is posted")
    expect(page.get_by_text("Without JavaScript it works too.")).to_be_visible()
    page.get_by_role("button", name="Stop following").wait_for()  # commenting made Amina follow
    page.locator(".comment__reply a").first.click()  # without JavaScript, the reply form is a page of its own
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reply")
    page.get_by_label("Your reply").fill("A reply without JavaScript.")
    page.get_by_role("main").get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    expect(page.locator(".comment-thread--replies .comment__body")).to_contain_text("A reply without "
                                                                                    "JavaScript.")
    page.locator(".comment__actions").first.get_by_role("link", name="Report").click()
    page.wait_for_load_state()
    page.get_by_label("False information or rumour").check()
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state()
    expect(page.locator(".alert--success")).to_contain_text("The moderators will look at it")


def test_moderator_pages_and_public_log(live_server, new_context, make_user, item, db):
    moderator = make_user("moda", roles=("moderator",))
    reporter = make_user("amina")
    comment = comments.post_comment(make_user("writer"), item, "Offensive words")
    moderation.report(reporter, comment, "offensive", "Insults")
    moderation.add_note(item, moderator, "Context: the desk **is** planned.", ["https://example.org/plan"])
    db.session.commit()
    page = new_context().new_page()
    sign_in(page, live_server, "moda")
    page.goto(f"{live_server}/report/comment/{comment.id}")
    axe_check(page)  # the report form (axe needs JavaScript, so not in the no-JS test)
    page.goto(f"{live_server}/moderation")
    axe_check(page)
    page.get_by_role("link", name="Comment: Offensive words").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Public reason").fill("Insults a neighbour")
    page.get_by_role("button", name="Hide").click()
    page.wait_for_load_state()
    expect(page.locator(".alert--success")).to_contain_text("The content is hidden")
    page.goto(f"{live_server}/moderation/log")
    expect(page.locator("table")).to_contain_text("Insults a neighbour")
    axe_check(page)
    page.goto(f"{live_server}{item.url}")
    expect(page.locator(".fact-check")).to_contain_text("the desk is planned")
    expect(page.locator(".comments")).to_contain_text("Hidden by moderators: Insults a neighbour")
    axe_check(page)


def test_notifications_page(live_server, new_context, make_user, item, db):
    from consult.notifications import services as notifications

    chen = make_user("chen")
    notifications.follow(chen, item)
    comments.post_comment(make_user("amina", display_name="Amina"), item, "Hello")
    db.session.commit()
    page = new_context().new_page()
    sign_in(page, live_server, "chen")
    page.goto(f"{live_server}/notifications")
    expect(page.locator(".notification-list")).to_contain_text("Amina commented on")
    axe_check(page)
    page.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**{item.url}")
    expect(page.locator("h1")).to_have_text(item.title)
