"""A long thread is shown in parts (``consult.comments.paging``): the item's page shows the first and latest
conversations and a "more" link in between, which works as a page of its own and, with htmx, as list items
that take its place; a link to any comment shows it; the page costs the same whatever the thread's length."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.comments import paging
from consult.comments.models import Comment
from consult.core.models import utcnow
from tests.helpers import QueryCounter

MORE = re.compile(r'<a class="comment-more__link" href="([^"]+)" hx-get="\1" hx-target="closest li" '
                  r'hx-swap="outerHTML">([^<]+)</a>')
SHOWN = re.compile(r'<li class="comment comment--depth-\d" id="comment-(\d+)"')


@pytest.fixture
def small_parts(monkeypatch):
    """Bounds small enough to see every case with a few comments."""
    monkeypatch.setattr(paging, "FIRST", paging.Bound(3, 6))
    monkeypatch.setattr(paging, "LATEST", paging.Bound(2, 4))
    monkeypatch.setattr(paging, "PART", paging.Bound(4, 8))
    monkeypatch.setattr(paging, "HEAD", 2)
    monkeypatch.setattr(paging, "TAIL", 1)


def add(db, item, author, count, parent=None, body="Comment {n}", start=0) -> list[int]:
    """``count`` comments (or replies to ``parent``) written one minute apart, in one statement."""
    base = utcnow() - timedelta(days=10)
    rows = [{"target_type": "testitem", "target_id": item.id, "author_id": author.id,
             "parent_id": parent, "depth": 1 if parent is None else 2, "body": body.format(n=start + n),
             "alignment": "neutral", "created_at": base + timedelta(minutes=start + n),
             "updated_at": base + timedelta(minutes=start + n)} for n in range(count)]
    db.session.execute(sa.insert(Comment), rows)
    ids = db.session.scalars(sa.select(Comment.id).where(Comment.target_type == "testitem",
                                                         Comment.target_id == item.id,
                                                         Comment.parent_id.is_(None) if parent is None
                                                         else Comment.parent_id == parent)
                             .order_by(Comment.created_at, Comment.id)).all()
    db.session.commit()
    return list(ids)


def shown(html: str) -> list[int]:
    return [int(cid) for cid in SHOWN.findall(html)]


def links(html: str) -> list[tuple[str, str]]:
    return [(url.replace("&amp;", "&"), label) for url, label in MORE.findall(html)]


def test_the_page_shows_the_first_and_latest_comments_and_how_many_are_between(client, db, item, make_user,
                                                                                small_parts):
    ids = add(db, item, make_user("amina"), 12)
    html = client.get(item.url).get_data(as_text=True)
    assert shown(html) == ids[:3] + ids[-2:]
    assert "Comments <span class=\"comments__count\">(12)</span>" in html
    [(url, label)] = links(html)
    assert label == "Show more comments (7 comments not shown)"
    assert url == f"/comments/testitem/{item.id}?after={ids[2]}&before={ids[-2]}"


def test_more_comments_is_a_page_without_javascript_and_list_items_with_htmx(client, db, item, make_user,
                                                                             small_parts):
    ids = add(db, item, make_user("amina"), 12)
    [(url, _)] = links(client.get(item.url).get_data(as_text=True))

    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.startswith("<!doctype html>")
    assert "Back to the page" in html and f'href="{item.url}"' in html
    assert shown(html) == ids[3:7]
    [(next_url, label)] = links(html)
    assert label == "Show more comments (3 comments not shown)"

    fragment = client.get(url, headers={"HX-Request": "true"})
    items = fragment.get_data(as_text=True)
    assert "<html" not in items and items.lstrip().startswith("<li") and "<ol" not in items.split("<li", 2)[1]
    assert shown(items) == ids[3:7]
    # the first new comment takes the focus (it replaces the link the person followed)
    assert items.count("autofocus") == 1
    assert re.search(rf'id="comment-{ids[3]}">\s*<article [^>]*tabindex="-1" autofocus', items)
    assert links(items) == [(next_url, label)]
    last = client.get(next_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert shown(last) == ids[7:10] and not links(last)  # up to the latest ones, which the page shows


def test_following_every_link_shows_every_comment_once(client, db, item, make_user, small_parts):
    amina = make_user("amina")
    roots = add(db, item, amina, 15)
    replies = add(db, item, amina, 7, parent=roots[8], start=100)
    html = client.get(item.url).get_data(as_text=True)
    seen, pending = shown(html), links(html)
    while pending:
        url, _label = pending.pop()
        part = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        seen += shown(part)
        pending += links(part)
    assert sorted(seen) == sorted(roots + replies)


def test_a_long_list_of_replies_shows_its_first_and_latest_replies(client, db, item, make_user, small_parts):
    amina = make_user("amina")
    [root] = add(db, item, amina, 1)
    replies = add(db, item, amina, 6, parent=root, start=10)
    html = client.get(item.url).get_data(as_text=True)
    assert shown(html) == [root, *replies[:2], replies[-1]]
    [(url, label)] = links(html)
    assert label == "Show more replies (3 replies not shown)"
    assert url == f"/comments/{root}/replies?after={replies[1]}&before={replies[-1]}"
    page = client.get(url).get_data(as_text=True)
    assert "Replies" in page and "Comment 0" in page  # the comment replied to, quoted
    assert shown(page) == replies[2:5]
    assert shown(client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)) == replies[2:5]


def test_a_link_to_a_comment_shows_it_wherever_it_is(client, db, item, make_user, small_parts):
    amina = make_user("amina")
    roots = add(db, item, amina, 12)
    replies = add(db, item, amina, 6, parent=roots[5], start=100)
    late = replies[3]  # in the middle of the replies to a conversation in the middle of the thread

    response = client.get(f"/comments/{late}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{item.url}?comment={late}#comment-{late}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert late in shown(html) and roots[5] in shown(html)
    # the comments above it, and "more" links for those around it
    assert len(links(html)) == 4
    assert shown(html)[:3] == roots[:3] and shown(html)[-2:] == roots[-2:]
    # a comment the page shows anyway: no question asked
    first = client.get(f"/comments/{roots[0]}")
    assert first.headers["Location"] == f"{item.url}#comment-{roots[0]}"
    assert client.get("/comments/99999999").status_code == 404
    # an unknown or foreign ?comment= changes nothing
    plain = client.get(item.url).get_data(as_text=True)
    assert shown(client.get(item.url + "?comment=99999999").get_data(as_text=True)) == shown(plain)


def test_a_new_comment_appears_at_once(client, db, item, make_user, small_parts):
    amina = make_user("amina")
    roots = add(db, item, amina, 12)
    replies = add(db, item, amina, 4, parent=roots[6], start=100)
    client.sign_in("amina")
    data = {"body": "A brand new word", "alignment": "neutral", "next": item.url}
    response = client.post_form(f"/comments/testitem/{item.id}", data)
    new = max(db.session.scalars(sa.select(Comment.id)))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{item.url}#comment-{new}")
    html = client.get(item.url).get_data(as_text=True)
    assert new in shown(html) and "(17)" in html  # the latest comment, and the count

    # a reply to a comment in the middle: the htmx answer shows it in its conversation
    section = client.post_form(f"/comments/testitem/{item.id}",
                               {**data, "body": "A late reply", "parent_id": str(replies[1])}, htmx=True)
    reply = max(db.session.scalars(sa.select(Comment.id)))
    assert reply in shown(section.get_data(as_text=True))
    # without JavaScript, the page the answer sends to shows it too
    response = client.post_form(f"/comments/testitem/{item.id}",
                                {**data, "body": "Another late reply", "parent_id": str(replies[2])})
    again = max(db.session.scalars(sa.select(Comment.id)))
    location = response.headers["Location"]
    assert location.endswith(f"?comment={again}#comment-{again}")
    assert again in shown(client.get(location).get_data(as_text=True))


def test_hidden_comments_stay_hidden_in_every_part(client, db, item, make_user, small_parts):
    from consult.moderation import services as moderation

    amina = make_user("amina")
    modo = make_user("modo", roles=("moderator",))
    ids = add(db, item, amina, 12, body="Plain words {n}")
    secret = db.session.get(Comment, ids[5])
    secret.body = "Words to hide"
    db.session.commit()
    moderation.hide(secret, modo, "Off-topic")
    db.session.commit()
    [(url, _)] = links(client.get(item.url).get_data(as_text=True))
    for html in (client.get(url).get_data(as_text=True),
                 client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True),
                 client.get(f"{item.url}?comment={ids[5]}").get_data(as_text=True)):
        assert ids[5] in shown(html)
        assert "Words to hide" not in html and "Hidden by moderators: <bdi>Off-topic</bdi>" in html


def test_a_page_costs_as_many_queries_with_ten_or_three_hundred_comments(client, db, item, make_user):
    amina = make_user("amina")
    add(db, item, amina, 10)

    def counted(url):
        client.get(url)  # the process now holds the rows of this version
        with QueryCounter() as queries:
            response = client.get(url)
        assert response.status_code == 200
        return queries.count, response.get_data(as_text=True)

    small, small_html = counted(item.url)
    roots = add(db, item, amina, 290, start=10)
    large, html = counted(item.url)
    assert large == small
    assert len(shown(html)) == paging.FIRST.items + paging.LATEST.items
    [(url, _)] = links(html)
    part, _html = counted(url)
    add(db, item, amina, 100, parent=roots[150], start=1000)
    assert counted(url)[0] == part
