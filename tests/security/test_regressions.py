"""The server errors the fuzzing found, each kept as a small test: a translated refusal, nothing saved."""

from __future__ import annotations

import io
import re

import pytest

from consult.comments.models import Comment
from tests.comments.support import make_item
from tests.helpers import count
from tests.proposals.conftest import admin, make_process, make_proposal, process, resident  # noqa: F401


@pytest.fixture
def item(db, make_user):
    return make_item(make_user("itemauthor"))


@pytest.mark.parametrize("parent_id", ["9" * 40, "-1", "1e3", "0"])
def test_a_reply_to_an_impossible_comment_number_is_refused(client, item, make_user, parent_id):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form(f"/comments/testitem/{item.id}",
                                {"body": "A reply", "alignment": "neutral", "parent_id": parent_id})
    assert response.status_code == 422
    assert "no longer exists" in response.get_data(as_text=True)
    assert count(Comment) == 0


def test_a_file_sent_as_a_text_field_is_ignored_not_a_crash(client, item, make_user):
    make_user("amina")
    client.sign_in("amina")
    data = {"csrf_token": client.csrf_token(), "alignment": "neutral",
            "body": (io.BytesIO(b"GIF89a"), "x.gif")}
    response = client.post(f"/comments/testitem/{item.id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422  # the body is missing: the form says so
    assert "Please write your comment." in response.get_data(as_text=True)
    assert count(Comment) == 0


def test_a_file_sent_as_a_date_field_is_ignored_not_a_crash(client, make_user):
    make_user("admin1", roles=("admin",))
    client.sign_in("admin1")
    data = {"csrf_token": client.csrf_token(), "question": "", "method": "single", "mode": "secret",
            "majority": "simple", "closes_at": (io.BytesIO(b"%PDF-1.4"), "x.pdf")}
    response = client.post("/polls/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422


def test_a_json_body_is_not_a_form(client, item, make_user):
    make_user("amina")
    client.sign_in("amina")
    token = client.csrf_token()
    for body in ("1", "[1, 2]", '{"body": ["x"], "alignment": 3}'):
        response = client.post(f"/comments/testitem/{item.id}", data=body, content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code == 422, body
    assert count(Comment) == 0


def test_feeds_leave_out_characters_xml_cannot_hold(client, process, resident, make_proposal):  # noqa: F811
    make_proposal(process, resident, title="A form\x0cfeed and a bell\x07",
                  body="Text\x0b with a vertical tab")
    response = client.get("/proposals/feed.atom")
    assert response.status_code == 200
    assert "feed and a bell<" in response.get_data(as_text=True)


TOO_LARGE = "99999999999"  # beyond PostgreSQL's integer: "integer out of range" if it ever reached a query


def test_every_route_with_an_id_finds_nothing_beyond_any_id(app, client, db):
    """Every ``<int:...>`` of the URL map stops at the largest row id: no route is reached, on any database,
    for any method (PostgreSQL answered 500 on, e.g., ``/proposals/99999999999``)."""
    from consult.core.routing import MAX_ROW_ID

    rules = [rule for rule in app.url_map.iter_rules() if any(
        type(conv).__name__ == "RowIdConverter" for conv in rule._converters.values())]
    assert len(rules) > 50
    for rule in rules:
        assert all(conv.max == MAX_ROW_ID for conv in rule._converters.values() if hasattr(conv, "max")), rule
        url = rule.rule
        for name in rule._converters:
            url = url.replace(f"<int:{name}>", TOO_LARGE).replace(f"<{name}>", "x")
            url = re.sub(rf"<[a-z_]+:{name}>", "x", url)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        # 405: another rule has the same path with a text part (e.g. a debate's join code) for other methods
        response = client.open(url, method=method)
        assert response.status_code in (404, 405), url
        assert response.is_json == url.startswith("/api/v1/"), url  # the API answers in JSON even then


@pytest.mark.parametrize("url, status", [
    (f"/proposals?theme={TOO_LARGE}", 200), (f"/proposals?district={TOO_LARGE}", 200),
    (f"/proposals?process={TOO_LARGE}", 200), (f"/proposals?page={TOO_LARGE}", 200),
    (f"/minutes/?page={TOO_LARGE * 2}", 200), (f"/debates/?page={TOO_LARGE}", 200),
    (f"/outcomes/?council={TOO_LARGE}", 400), (f"/outcomes/?proposal={TOO_LARGE}", 400),
])
def test_numbers_too_large_in_a_query_string_are_no_server_error(client, db, url, status):
    assert client.get(url).status_code == status
