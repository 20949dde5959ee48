"""Comments: threading, alignment, edit history, deletion, policy, htmx and no-JavaScript flows, N+1 guard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import render_template_string

from consult.comments import services as comments
from consult.comments.models import Comment, CommentRevision
from consult.core.errors import DomainError, NotAllowed
from consult.core.personal_data import export_sections
from tests.comments.support import TestItem, make_item
from tests.comments.xss import XSS, unsafe_markup
from tests.helpers import count, text_of


def post(client, item, body="I agree, the station is where people arrive.", alignment="in_favour", htmx=False,
         **extra):
    data = {"body": body, "alignment": alignment, "next": item.url, **extra}
    return client.post_form(f"/comments/testitem/{item.id}", data, htmx=htmx)


# --- services
# -------------------------------------------------------------------------------------------------

def test_thread_goes_three_levels_deep_and_no_deeper(db, item, make_user):
    amina = make_user("amina")
    first = comments.post_comment(amina, item, "Level one", "in_favour")
    second = comments.post_comment(amina, item, "Level two", "against", parent=first)
    third = comments.post_comment(amina, item, "Level three", "neutral", parent=second)
    assert (first.depth, second.depth, third.depth) == (1, 2, 3)
    with pytest.raises(DomainError, match="3 levels deep"):
        comments.post_comment(amina, item, "Level four", "neutral", parent=third)
    thread = comments.load_thread(item)
    assert [n.comment.body for n in thread.roots] == ["Level one"]
    assert thread.roots[0].replies[0].replies[0].comment.body == "Level three"
    assert item.comment_count == 3


def test_reply_must_stay_on_the_same_item(db, item, make_user):
    amina = make_user("amina")
    other = make_item(title="Another item")
    first = comments.post_comment(amina, other, "Elsewhere")
    with pytest.raises(DomainError, match="does not belong"):
        comments.post_comment(amina, item, "Crossing over", parent=first)


@pytest.mark.parametrize("body,alignment,message", [
    ("", "neutral", "Please write your comment"),
    ("   ", "neutral", "Please write your comment"),
    ("x" * 5001, "neutral", "at most 5000"),
    ("Fine text", "maybe", "in favour, against or neutral"),
])
def test_bad_text_is_refused(db, item, make_user, body, alignment, message):
    with pytest.raises(DomainError, match=message):
        comments.post_comment(make_user(), item, body, alignment)
    assert count(Comment) == 0


def test_blocked_people_and_closed_items_cannot_comment(db, item, make_user):
    blocked = make_user("blocked")
    blocked.is_blocked = True
    with pytest.raises(NotAllowed, match="blocked"):
        comments.post_comment(blocked, item, "Hello")
    item.comments_closed = True
    with pytest.raises(NotAllowed, match="closed in this phase"):
        comments.post_comment(make_user(), item, "Hello")


def test_edit_keeps_the_earlier_version(db, item, make_user):
    amina = make_user("amina")
    comment = comments.post_comment(amina, item, "First words", "in_favour")
    comments.edit_comment(comment, amina, "Better words", "against")
    comments.edit_comment(comment, amina, "Best words", "against")
    assert comment.body == "Best words" and comment.alignment == "against" and comment.edited_at
    assert [r.body for r in comment.revisions] == ["First words", "Better words"]
    with pytest.raises(NotAllowed, match="Only the author"):
        comments.edit_comment(comment, make_user(), "Not mine", "neutral")


def test_delete_leaves_a_deleted_mark_and_decrements_the_count(db, item, make_user):
    amina = make_user("amina")
    comment = comments.post_comment(amina, item, "Soon gone")
    comments.post_comment(make_user(), item, "A reply stays", parent=comment)
    comments.edit_comment(comment, amina, "Changed", "neutral")
    comments.delete_comment(comment, amina)
    db.session.commit()
    assert comment.is_deleted and comment.body == "" and count(CommentRevision) == 0
    assert item.comment_count == 1
    thread = comments.load_thread(item)
    assert thread.count == 1 and thread.roots[0].replies[0].comment.body == "A reply stays"
    with pytest.raises(NotAllowed):
        comments.delete_comment(comment, amina)


def test_comments_are_in_the_personal_data_export(db, item, make_user):
    amina = make_user("amina")
    comments.post_comment(amina, item, "Mine")
    assert export_sections(amina)["comments"][0]["text"] == "Mine"


# --- views
# ----------------------------------------------------------------------------------------------------

def test_post_without_javascript_redirects_to_the_item_anchor(client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = post(client, item)
    assert response.status_code == 303
    comment = db.session.scalar(sa.select(Comment))
    assert response.headers["Location"].endswith(f"/_test/items/{item.id}#comment-{comment.id}")
    page = client.get(f"/_test/items/{item.id}")
    assert "I agree, the station is where people arrive." in text_of(page)
    assert "In favour" in text_of(page) and "1 comment" in text_of(page)
    db.session.refresh(item)
    assert item.comment_count == 1


def test_post_with_htmx_swaps_the_section_and_the_counter_out_of_band(client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = post(client, item, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert f'id="comments-testitem-{item.id}"' in html
    assert f'id="comment-count-testitem-{item.id}" hx-swap-oob="true"' in html
    assert "1 comment" in text_of(response)
    assert count(Comment) == 1


def test_invalid_htmx_post_answers_422_with_the_form_and_saves_nothing(client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = post(client, item, body="", htmx=True)
    assert response.status_code == 422
    assert "Please write your comment" in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert count(Comment) == 0


def test_invalid_post_without_javascript_shows_the_form_page(client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = post(client, item, body="y" * 5001)
    assert response.status_code == 422
    assert "at most 5000" in text_of(response) and "<html" in response.get_data(as_text=True)
    assert count(Comment) == 0


def test_too_deep_reply_is_refused_with_a_clear_message(client, item, make_user, db):
    amina = make_user("amina")
    c1 = comments.post_comment(amina, item, "one")
    c2 = comments.post_comment(amina, item, "two", parent=c1)
    c3 = comments.post_comment(amina, item, "three", parent=c2)
    db.session.commit()
    client.sign_in("amina")
    response = post(client, item, body="four", parent_id=str(c3.id), htmx=True)
    assert response.status_code == 422
    assert "3 levels deep" in text_of(response)
    assert count(Comment) == 3
    response = post(client, item, body="four", parent_id="not-a-number")
    assert response.status_code == 422 and count(Comment) == 3


def test_reply_form_only_under_the_first_two_levels(client, item, make_user, db):
    amina = make_user("amina")
    c1 = comments.post_comment(amina, item, "one")
    c2 = comments.post_comment(amina, item, "two", parent=c1)
    c3 = comments.post_comment(amina, item, "three", parent=c2)
    db.session.commit()
    client.sign_in("amina")
    html = client.get(item.url).get_data(as_text=True)
    assert f'href="/comments/{c1.id}/reply?next=' in html and f'href="/comments/{c2.id}/reply?next=' in html
    assert f"/comments/{c3.id}/reply" not in html
    refused = client.get(f"/comments/{c3.id}/reply")
    assert refused.status_code == 422 and "3 levels deep" in text_of(refused)


def test_the_thread_links_to_reply_forms_instead_of_carrying_one_per_comment(client, item, make_user, db):
    amina = make_user("amina")
    for n in range(30):
        comments.post_comment(amina, item, f"Comment {n}")
    db.session.commit()
    client.sign_in(make_user("bilal").username)
    html = client.get(item.url).get_data(as_text=True)
    thread = html.split('class="comment-thread"', 1)[1].split("</ol>")[0]
    assert thread.count("<a href=\"/comments/") == 30 and "<form" not in thread and "csrf_token" not in thread


def test_reply_page_without_javascript(client, item, make_user, db):
    first = comments.post_comment(make_user("amina", display_name="Amina"), item, "A desk at the **station**")
    db.session.commit()
    client.sign_in(make_user("bilal").username)
    page = client.get(f"/comments/{first.id}/reply", query_string={"next": item.url})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert "A desk at the <strong>station</strong>" in html  # the comment answered, quoted
    assert "<h1>Your reply</h1>" in html and "Amina wrote:" in text_of(page)
    assert f'name="parent_id" value="{first.id}"' in html and f'name="next" value="{item.url}"' in html
    response = post(client, item, body="Yes, at the station.", parent_id=str(first.id))
    assert response.status_code == 303 and response.headers["Location"].startswith(item.url + "#comment-")
    reply = db.session.scalar(sa.select(Comment).where(Comment.parent_id == first.id))
    assert reply.body == "Yes, at the station." and reply.depth == 2
    # a page elsewhere is never where the form returns to
    outside = client.get(f"/comments/{first.id}/reply", query_string={"next": "https://evil.example/"})
    html = outside.get_data(as_text=True)
    assert 'name="next" value=""' in html and 'href="https://evil.example/"' not in html


def test_reply_form_fragment_for_htmx(client, item, make_user, db):
    first = comments.post_comment(make_user("amina"), item, "First")
    db.session.commit()
    client.sign_in(make_user("bilal").username)
    response = client.get(f"/comments/{first.id}/reply", query_string={"next": item.url},
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<form") and "<html" not in html
    assert ('name="csrf_token"' in html and "autofocus" in html
            and f'hx-target="#comments-testitem-{item.id}"' in html)


def test_visitors_and_deleted_comments_get_no_reply_form(client, item, make_user, db):
    amina = make_user("amina")
    first = comments.post_comment(amina, item, "First")
    gone = comments.post_comment(amina, item, "Gone")
    comments.delete_comment(gone, amina)
    db.session.commit()
    visitor = client.get(f"/comments/{first.id}/reply")
    assert visitor.status_code == 303 and "/sign-in" in visitor.headers["Location"]
    client.sign_in("amina")
    refused = client.get(f"/comments/{gone.id}/reply")
    assert refused.status_code == 422 and "deleted or hidden" in text_of(refused)
    assert client.get("/comments/999999/reply").status_code == 404


def test_visitor_is_sent_to_sign_in_and_sees_why(client, item, db):
    response = post(client, item)
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    page = client.get(item.url)
    assert "Please sign in first." in text_of(page)
    assert count(Comment) == 0


def test_blocked_person_gets_403(client, item, make_user, db):
    user = make_user("blocked")
    user.is_blocked = True
    db.session.commit()
    client.sign_in("blocked")
    response = post(client, item)
    assert response.status_code == 403 and "blocked" in text_of(response)
    assert count(Comment) == 0


def test_replayed_form_without_csrf_is_refused(client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = client.post(f"/comments/testitem/{item.id}", data={"body": "x", "alignment": "neutral"})
    assert response.status_code == 400 and count(Comment) == 0


def test_unknown_target_is_404(client, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    assert client.post_form("/comments/testitem/999",
                            {"body": "x", "alignment": "neutral"}).status_code == 404
    assert client.post_form("/comments/nosuchtype/1",
                            {"body": "x", "alignment": "neutral"}).status_code == 404


def test_edit_page_and_public_history(client, item, make_user, db):
    amina = make_user("amina")
    comment = comments.post_comment(amina, item, "Original text", "neutral")
    db.session.commit()
    client.sign_in("amina")
    assert client.get(f"/comments/{comment.id}/edit").status_code == 200
    response = client.post_form(f"/comments/{comment.id}/edit", {"body": "", "alignment": "neutral"})
    assert response.status_code == 422 and "Please write your comment" in text_of(response)
    response = client.post_form(f"/comments/{comment.id}/edit",
                                {"body": "Edited text", "alignment": "against"})
    assert response.status_code == 303
    client.sign_out()
    page = client.get(item.url)
    assert "Edited text" in text_of(page) and "edited" in text_of(page)
    history = client.get(f"/comments/{comment.id}/history")
    assert "Original text" in text_of(history) and "Edited text" in text_of(history)


def test_an_edit_the_service_refuses_shows_the_form_again_with_the_reason(client, item, make_user, db,
                                                                         monkeypatch):
    amina = make_user("amina")
    comment = comments.post_comment(amina, item, "Original text", "neutral")
    db.session.commit()
    client.sign_in("amina")

    def refuse(*args):
        raise DomainError("This comment can no longer be changed.", field="body")

    monkeypatch.setattr(comments, "edit_comment", refuse)
    response = client.post_form(f"/comments/{comment.id}/edit", {"body": "Edited", "alignment": "against"})
    assert response.status_code == 422
    assert "This comment can no longer be changed." in text_of(response)
    assert 'name="body"' in response.get_data(as_text=True)


def test_someone_else_cannot_edit_or_delete(client, item, make_user, db):
    amina = make_user("amina")
    make_user("other")
    comment = comments.post_comment(amina, item, "Mine")
    db.session.commit()
    client.sign_in("other")
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post_form(f"/comments/{comment.id}/delete").status_code == 403
    db.session.refresh(comment)
    assert not comment.is_deleted


def test_delete_through_the_page(client, item, make_user, db):
    amina = make_user("amina")
    comment = comments.post_comment(amina, item, "Will go")
    db.session.commit()
    client.sign_in("amina")
    response = client.post_form(f"/comments/{comment.id}/delete", {"next": item.url})
    assert response.status_code == 303
    page = client.get(item.url)
    assert "deleted by its author" in text_of(page) and "Will go" not in text_of(page)
    db.session.refresh(item)
    assert item.comment_count == 0


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_comments_is_neutralised(client, item, make_user, db, payload):
    make_user("amina")
    client.sign_in("amina")
    assert post(client, item, body=f"Hello {payload}").status_code == 303
    html = client.get(item.url).get_data(as_text=True)
    assert "Hello" in html
    assert unsafe_markup(html, allowed_scripts=2) == []


def test_thread_of_50_comments_loads_in_constant_queries(app, db, item, make_user):
    people = [make_user() for _ in range(5)]

    def queries_for_page():
        statements = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            with app.test_request_context(item.url):
                target = db.session.get(TestItem, item.id)
                render_template_string('{% include "comments/_section.html" %}', target=target)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    comments.post_comment(people[0], item, "seed")
    db.session.commit()
    few = queries_for_page()
    parent = None
    for i in range(49):
        c = comments.post_comment(people[i % 5], item, f"comment {i}", parent=parent if i % 3 else None)
        parent = c if c.depth < 3 else None
    db.session.commit()
    many = queries_for_page()
    assert count(Comment) == 50
    assert many == few, (few, many)


def test_posting_is_rate_limited(app, client, item, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    old = app.config["RATELIMIT_POST"]
    app.config["RATELIMIT_POST"] = "2 per minute"
    try:
        assert post(client, item, body="one").status_code == 303
        assert post(client, item, body="two").status_code == 303
        response = post(client, item, body="three")
    finally:
        app.config["RATELIMIT_POST"] = old
    assert response.status_code == 429 and "Please wait" in text_of(response)
    assert count(Comment) == 2
