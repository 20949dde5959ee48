"""HTTPS settings follow the base URL; pages with personal data are never cached; a mailed reset link works
once, briefly, and its token leaves the address bar at once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from consult import create_app
from consult.accounts import services as accounts
from consult.accounts.models import ResetCode
from consult.core.models import utcnow
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import text_of

# -- HTTPS
# ----------------------------------------------------------------------------------------------------


def _standalone(tmp_path, monkeypatch, base_url):
    monkeypatch.setenv("CONSULT_BASE_URL", base_url)
    monkeypatch.delenv("CONSULT_TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("CONSULT_SESSION_COOKIE_SECURE", raising=False)
    return create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


def test_an_https_base_url_turns_on_hsts_and_secure_cookies(tmp_path, monkeypatch):
    application = _standalone(tmp_path, monkeypatch, "https://consult.example.org")
    assert application.config["SESSION_COOKIE_SECURE"] is True
    assert application.config["REMEMBER_COOKIE_SECURE"] is True
    client = application.test_client()
    response = client.get("/sign-in", base_url="https://consult.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_a_plain_http_base_url_sends_no_hsts(tmp_path, monkeypatch):
    application = _standalone(tmp_path, monkeypatch, "http://127.0.0.1:5000")
    assert application.config["SESSION_COOKIE_SECURE"] is False
    response = application.test_client().get("/sign-in", base_url="http://127.0.0.1:5000")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


# -- no-store
# -------------------------------------------------------------------------------------------------

PRIVATE = ["/profile", "/profile/my-data", "/profile/my-data.json", "/admin/users", "/registrar",
           "/registrar/cards", "/registrar/in-person", "/reset", "/reset-code", "/reset/new-password"]


@pytest.mark.parametrize("path", PRIVATE)
def test_pages_with_personal_data_are_not_stored(client, make_user, path):
    make_user("boss", roles=("admin", "registrar"))
    client.sign_in("boss")
    response = client.get(path)
    assert response.status_code in (200, 303), path
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Encoding" not in response.headers  # no compression next to a secret either


@pytest.mark.parametrize("path", ["/", "/privacy", "/proposals", "/polls"])
def test_public_pages_keep_their_caching(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


# -- reset links
# -----------------------------------------------------------------------------------------------


@pytest.fixture
def amina(make_user):
    return make_user("amina", email="amina@example.org")


@pytest.fixture
def reset_token(app, amina, db):
    with app.test_request_context():
        token = accounts.password_reset_token(amina)
    db.session.commit()
    return token


def _choose(client, password="a brand new password"):
    return client.post_form("/reset/new-password", {"new_password": password, "confirm": password})


def test_the_mailed_token_leaves_the_url_at_the_first_opening(client, reset_token, db):
    opened = client.get(f"/reset/{reset_token}")
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/reset/new-password"
    assert opened.headers["Cache-Control"] == "no-store"
    page = client.get("/reset/new-password")
    assert page.status_code == 200 and reset_token not in page.get_data(as_text=True)
    assert 'action="/reset/new-password"' in page.get_data(as_text=True)
    assert _choose(client).status_code == 303
    client.sign_in("amina", "a brand new password")


def test_a_reset_link_works_once(app, client, reset_token):
    assert client.get(f"/reset/{reset_token}").status_code == 303
    # someone reading the link later (a log, a shared computer's history) gets nothing
    other = app.test_client()
    again = other.get(f"/reset/{reset_token}")
    assert again.status_code == 303 and again.headers["Location"] == "/reset"
    assert "not valid any more" in text_of(other.get("/reset"))
    assert other.get("/reset/new-password").headers["Location"] == "/reset"


def test_the_grant_works_once_and_the_old_password_stops(client, reset_token):
    client.get(f"/reset/{reset_token}")
    assert _choose(client).status_code == 303
    assert _choose(client, "yet another password").headers["Location"] == "/reset"
    response = client.post_form("/sign-in", {"username": "amina", "password": DEFAULT_PASSWORD})
    assert response.status_code == 422


def test_an_expired_link_is_refused(client, reset_token, db):
    db.session.execute(sa.update(ResetCode).values(expires_at=utcnow()))
    db.session.commit()
    response = client.get(f"/reset/{reset_token}")
    assert response.headers["Location"] == "/reset"
    assert "not valid any more" in text_of(client.get("/reset"))


def test_the_link_lives_as_long_as_configured(app, amina, db, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LINK_MINUTES", 30)
    with app.test_request_context():
        accounts.password_reset_token(amina)
    row = db.session.scalar(sa.select(ResetCode))
    assert 29 * 60 < (row.expires_at - utcnow()).total_seconds() <= 30 * 60
    assert row.issued_by_id is None and len(row.code_hash) == 64


def test_a_stale_grant_is_refused(client, reset_token, db):
    client.get(f"/reset/{reset_token}")
    with client.session_transaction() as session:
        session["reset_grant"] = dict(session["reset_grant"], until=int(time.time()) - 1)
    response = _choose(client)
    assert response.headers["Location"] == "/reset"
    client.sign_in("amina")  # the old password still works


def test_a_link_checker_head_request_does_not_use_up_the_link(client, reset_token):
    assert client.head(f"/reset/{reset_token}").status_code == 200
    assert client.get(f"/reset/{reset_token}").headers["Location"] == "/reset/new-password"


def test_a_staff_reset_code_is_no_reset_link(app, client, make_user, amina, db):
    staff = make_user("desk", roles=("admin",))
    with app.test_request_context():
        code = accounts.issue_reset_code(amina, staff)
    db.session.commit()
    for token in (code, code.replace("-", "")):
        assert client.get(f"/reset/{token}").headers["Location"] == "/reset"
