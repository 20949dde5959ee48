"""A long thread in a real browser: "show more comments" loads the next ones in place with htmx (the focus on
the first of them) and is a plain link to a page of its own without JavaScript; a copied link to a comment
the page does not show still shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.comments import paging
from consult.comments import services as comments
from tests.browser.conftest import axe_check
from tests.comments.support import make_item


@pytest.fixture
def thread(db, make_user, monkeypatch):
    """An item with 12 comments, shown in small parts: the first 3 and latest 2 on its page, 4 a "more"."""
    monkeypatch.setattr(paging, "FIRST", paging.Bound(3, 6))
    monkeypatch.setattr(paging, "LATEST", paging.Bound(2, 4))
    monkeypatch.setattr(paging, "PART", paging.Bound(4, 8))
    item = make_item(make_user("itemauthor"))
    amina = make_user("amina", display_name="Amina")
    ids = [comments.post_comment(amina, item, f"Thought number {n}.").id for n in range(12)]
    db.session.commit()
    return item, ids


def shown(page) -> list[int]:
    return [int(i.split("-")[1]) for i in page.locator("li.comment.comment--depth-1").evaluate_all(
        "items => items.map(item => item.id)")]


def test_more_comments_come_in_place_and_take_the_focus(live_server, new_context, thread):
    item, ids = thread
    page = new_context().new_page()
    page.goto(f"{live_server}{item.url}")
    page.evaluate("window.__marker = 'same page'")
    assert shown(page) == ids[:3] + ids[-2:]
    more = page.get_by_role("link", name="Show more comments (7 comments not shown)")
    more.click()
    expect(page.locator(f"#comment-{ids[3]}")).to_be_visible()
    expect(page.locator(f"#comment-{ids[3]} > article")).to_be_focused()
    assert shown(page) == ids[:7] + ids[-2:]
    page.get_by_role("link", name="Show more comments (3 comments not shown)").click()
    expect(page.locator(f"#comment-{ids[9]}")).to_be_visible()
    assert shown(page) == ids
    expect(page.locator(".comment-more")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"  # no reload
    axe_check(page)


def test_more_comments_is_a_page_of_its_own_without_javascript(live_server, new_context, thread):
    item, ids = thread
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server}{item.url}")
    page.get_by_role("link", name="Show more comments (7 comments not shown)").click()
    page.wait_for_load_state()
    assert re.search(rf"/comments/testitem/{item.id}\?after=", page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments")
    assert shown(page) == ids[3:7]
    page.get_by_role("link", name="Show more comments (3 comments not shown)").click()
    page.wait_for_load_state()
    assert shown(page) == ids[7:10]
    page.get_by_role("link", name="Back to the page").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}{item.url}"


def test_a_copied_link_to_a_comment_the_page_does_not_show_shows_it(live_server, new_context, thread):
    item, ids = thread
    page = new_context().new_page()
    page.goto(f"{live_server}{item.url}#comment-{ids[5]}")
    expect(page.locator(f"#comment-{ids[5]}")).to_be_visible()
    assert page.url.endswith(f"{item.url}?comment={ids[5]}#comment-{ids[5]}")
    axe_check(page)
