"""The reply page without JavaScript speaks of a reply: its field and its button, also when it comes back with
an error; the page for a new comment keeps its own words."""

from __future__ import annotations

import re

from consult.comments import services as comments
from tests.helpers import text_of


def _label_and_button(html: str) -> tuple[str, str]:
    form = html.split('<form action="/comments/', 1)[1]
    label = re.search(r'<label for="body"[^>]*>([^<]*)</label>', form).group(1).strip()
    button = re.search(r'<button type="submit"[^>]*>([^<]*)</button>', form).group(1).strip()
    return label, button


def test_reply_page_is_labelled_as_a_reply(client, item, make_user, db):
    first = comments.post_comment(make_user("amina", display_name="Amina"), item, "A desk at the station")
    db.session.commit()
    client.sign_in(make_user("bilal").username)
    page = client.get(f"/comments/{first.id}/reply", query_string={"next": item.url})
    assert page.status_code == 200
    assert _label_and_button(page.get_data(as_text=True)) == ("Your reply", "Post reply")
    assert "Your comment" not in text_of(page) and "Post comment" not in text_of(page)
    # an empty reply comes back on the same page, still a reply
    refused = client.post_form(f"/comments/testitem/{item.id}", {"body": "", "alignment": "neutral",
                                                                  "parent_id": str(first.id),
                                                                  "next": item.url})
    assert refused.status_code == 422
    assert _label_and_button(refused.get_data(as_text=True)) == ("Your reply", "Post reply")


def test_comment_page_keeps_comment_words(client, item, make_user, db):
    client.sign_in(make_user("bilal").username)
    refused = client.post_form(f"/comments/testitem/{item.id}", {"body": "", "alignment": "neutral",
                                                                  "next": item.url})
    assert refused.status_code == 422
    assert _label_and_button(refused.get_data(as_text=True)) == ("Your comment", "Post comment")
