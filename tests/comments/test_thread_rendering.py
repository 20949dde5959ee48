"""The thread's rendering shortcuts keep its output: memoised Markdown and times, links only for who may use
them."""

from __future__ import annotations

from consult.comments import services as comments
from consult.core.text import render_markdown


def test_memoised_markdown_is_the_markdown(db):
    source = "A **bold** [link](https://example.org) <script>alert(1)</script>"
    assert comments.comment_html(source) == render_markdown(source)
    assert "<script>" not in comments.comment_html(source)
    assert comments.comment_html("") == "" and comments.comment_html(None) == ""


def test_edit_delete_and_report_links_show_only_to_who_may_use_them(client, item, make_user, db):
    amina = make_user("amina")
    make_user("other")
    mine = comments.post_comment(amina, item, "Mine, in **bold**")
    db.session.commit()
    edit, delete = f"/comments/{mine.id}/edit", f"/comments/{mine.id}/delete"

    visitor = client.get(item.url).get_data(as_text=True)
    assert "<strong>bold</strong>" in visitor
    assert edit not in visitor and delete not in visitor
    assert 'class="report-link"' not in visitor.split("comment-thread")[1]
    client.sign_in("amina")
    author = client.get(item.url).get_data(as_text=True)
    assert edit in author and delete in author
    assert 'class="report-link"' not in author.split("comment-thread")[1]  # not on one's own comment
    client.sign_out()
    client.sign_in("other")
    other = client.get(item.url).get_data(as_text=True)
    assert edit not in other and delete not in other
    assert 'class="report-link"' in other.split("comment-thread")[1]


def test_times_follow_the_readers_language(client, item, make_user, db):
    amina = make_user("amina")
    comments.post_comment(amina, item, "Hello")
    db.session.commit()
    english = client.get(item.url).get_data(as_text=True)
    french = client.get(item.url + "?lang=fr").get_data(as_text=True)
    time_en = english.split("<time")[1].split("</time>")[0]
    time_fr = french.split("<time")[1].split("</time>")[0]
    assert time_en != time_fr  # formatted for each locale, never the first one kept for everyone
