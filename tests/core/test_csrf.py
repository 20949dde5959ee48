"""CSRF tokens are masked per answer (BREACH): other bytes in every page, each of them valid, and the signed
tokens of pages opened before still accepted while they validate."""

from __future__ import annotations

import gzip
import re
from difflib import SequenceMatcher

from itsdangerous import URLSafeTimedSerializer

from consult.core import csrf
from tests.conftest import CSRF_RE

FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _tokens(html: str) -> set[str]:
    return set(FORM_TOKEN.findall(html)) | set(HEADER_TOKEN.findall(html))


def _gzipped_page(client, path="/sign-up") -> str:
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    return gzip.decompress(response.get_data()).decode()


def _common_run(left: str, right: str) -> int:
    match = SequenceMatcher(None, left, right, autojunk=False).find_longest_match(0, len(left), 0, len(right))
    return match.size


def _sign_up(client, token, **kwargs):
    """A sign-up that fails its own validation (no password): 422 once the CSRF check has let it through,
    400 when the check refuses it."""
    return client.post("/sign-up", data={"csrf_token": token, "username": "amina", "display_name": "A",
                                         "language": "en", "password": ""}, **kwargs)


def test_two_answers_carry_different_tokens_and_each_validates(client, db):
    first, second = _gzipped_page(client), _gzipped_page(client)
    (one,), (two,) = _tokens(first), _tokens(second)  # one token per answer: the form's and htmx's header
    assert one != two
    # nothing of the secret repeats from one answer to the next (Flask-WTF's signed token repeated it whole)
    assert _common_run(one, two) < 8
    match = CSRF_RE.search(first)  # the tests' helper reads it as before
    assert (match.group(1) or match.group(2)) == one
    for token in (one, two, one):
        assert _sign_up(client, token).status_code == 422


def test_a_tampered_or_foreign_token_is_refused(app, client, db):
    token = client.csrf_token()
    for position in (0, len(token) // 2, len(token) - 2):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1:]
        assert _sign_up(client, changed).status_code == 400
    for broken in (token[:-1], token + "A", token.replace(token[3], "."), "x" * len(token), ""):
        assert _sign_up(client, broken).status_code == 400
    other = app.test_client()
    assert _sign_up(other, token).status_code == 400  # another browser's session has another secret
    assert _sign_up(other, other.csrf_token()).status_code == 422


def test_htmx_requests_send_the_token_in_their_header(htmx_client, db):
    token = htmx_client.csrf_token()
    response = htmx_client.post("/sign-up", data={"username": "amina", "display_name": "A", "language": "en",
                                                  "password": ""}, headers={"X-CSRFToken": token})
    assert response.status_code == 422
    refused = htmx_client.post("/sign-up", data={"username": "amina"}, headers={"X-CSRFToken": token[::-1]})
    assert refused.status_code == 400


def test_the_signed_token_of_a_page_opened_before_still_validates(app, client, db):
    client.get("/sign-up")  # the session now holds its secret
    with client.session_transaction() as session:
        secret = session["csrf_token"]
    signer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    assert _sign_up(client, signer.dumps(secret)).status_code == 422
    assert _sign_up(client, signer.dumps("0" * 40)).status_code == 400
    forged = URLSafeTimedSerializer("another key", salt="wtf-csrf-token").dumps(secret)
    assert _sign_up(client, forged).status_code == 400


def test_a_page_carries_one_token_in_all_its_forms(client, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    html = client.get("/profile").get_data(as_text=True)
    assert len(FORM_TOKEN.findall(html)) >= 2 and len(_tokens(html)) == 1


def test_masking_round_trip():
    secret = bytes(range(csrf.SECRET_BYTES))
    tokens = {csrf.mask(secret) for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) == csrf.TOKEN_LENGTH and csrf.unmask(token) == secret for token in tokens)
    assert csrf.unmask("not a token") is None and csrf.unmask(None) is None
