"""Sign-in limits count failed attempts only, per address and per account; behind trusted proxies the address
is the client's; every 429 says when to come back."""

from __future__ import annotations

import time

import pytest
from flask import Response

from consult import create_app
from consult.config import Defaults
from consult.core.error_pages import DEFAULT_RETRY_AFTER, add_retry_after
from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def real_limits(app, monkeypatch):
    """The production sign-in limits instead of the test suite's generous ones."""
    assert Defaults.RATELIMIT_SIGN_IN == "10 per minute;50 per hour"
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "10 per minute;50 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ACCOUNT", "10 per minute;30 per hour")


def _attempt(client, username, password, address="192.0.2.10", **headers):
    return client.post_form("/sign-in", {"username": username, "password": password},
                            environ_overrides={"REMOTE_ADDR": address}, headers=headers)


def test_good_sign_ins_from_a_shared_address_do_not_use_up_the_limit(client, make_user, real_limits):
    """A library's Wi-Fi: six people sign in, four typos on the way; the next person still gets in."""
    people = [make_user(f"reader{n}") for n in range(8)]
    for person in people[:6]:
        assert _attempt(client, person.username, DEFAULT_PASSWORD).status_code == 303
        client.sign_out()
    for person in people[:4]:
        assert _attempt(client, person.username, "typo typo").status_code == 422
    assert _attempt(client, people[6].username, DEFAULT_PASSWORD).status_code == 303
    client.sign_out()
    for _ in range(6):  # failures still count: ten from one address in a minute, and the next try waits
        assert _attempt(client, people[7].username, "typo typo").status_code == 422
    response = _attempt(client, people[7].username, DEFAULT_PASSWORD)
    assert response.status_code == 429


def test_failures_on_one_account_lock_that_account_from_every_address(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ACCOUNT", "3 per minute")
    make_user("amina")
    make_user("bilal")
    for n in range(3):
        assert _attempt(client, "amina", "guess guess", address=f"198.51.100.{n}").status_code == 422
    # the fourth try comes from a new address, with the right password (and the name written otherwise):
    # refused
    refused = _attempt(client, " Amina", DEFAULT_PASSWORD, address="198.51.100.99")
    assert refused.status_code == 429
    # another account from the same addresses is not affected
    assert _attempt(client, "bilal", DEFAULT_PASSWORD, address="198.51.100.0").status_code == 303


def test_a_429_says_when_to_come_back(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "2 per minute")
    make_user("amina")
    for _ in range(2):
        _attempt(client, "amina", "wrong wrong")
    response = _attempt(client, "amina", "wrong wrong")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "X-RateLimit-Remaining" not in response.headers  # the limits themselves are not advertised


def test_every_429_gets_a_retry_after(app):
    with app.test_request_context("/"):
        response = add_retry_after(Response("slow down", status=429))
        assert response.headers["Retry-After"] == str(DEFAULT_RETRY_AFTER)
        kept = add_retry_after(Response("slow down", status=429, headers={"Retry-After": "5"}))
        assert kept.headers["Retry-After"] == "5"
        assert "Retry-After" not in add_retry_after(Response("fine")).headers


def test_without_trusted_proxies_a_forwarded_address_changes_nothing(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "2 per minute")
    make_user("amina")
    statuses = [_attempt(client, "amina", "wrong wrong", **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(3)]
    assert statuses == [422, 422, 429]


@pytest.fixture
def proxied_app(tmp_path):
    """An application behind one trusted reverse proxy, on a database of its own."""
    from consult.accounts import services as accounts
    from consult.extensions import db, limiter

    application = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}", "SECRET_KEY": "proxy-test",
        "RESIDENCE_HMAC_KEY": "0" * 64, "PASSWORD_HASH_PROFILE": "test", "PROXY_COUNT": 1,
        "RATELIMIT_SIGN_IN": "2 per minute", "RATELIMIT_SIGN_IN_ACCOUNT": "100 per minute",
        "WTF_CSRF_ENABLED": False,
    })
    with application.app_context():
        db.create_all()
        for name in ("amina", "bilal"):
            accounts.sign_up(name, name.title(), DEFAULT_PASSWORD)
        db.session.commit()
    limiter.reset()
    yield application
    limiter.reset()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(proxied_app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    assert isinstance(proxied_app.wsgi_app, ProxyFix)
    client = proxied_app.test_client()

    def attempt(username, password, client_address):
        return client.post("/sign-in", data={"username": username, "password": password},
                           headers={"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"})

    assert [attempt("amina", "wrong wrong", "203.0.113.7").status_code for _ in range(3)] == [422, 422, 429]
    # everyone else behind the same proxy signs in as usual
    assert attempt("bilal", DEFAULT_PASSWORD, "203.0.113.8").status_code == 303


def test_retry_after_counts_down_to_the_end_of_the_window(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "1 per hour")
    make_user("amina")
    _attempt(client, "amina", "wrong wrong")
    started = time.time()
    response = _attempt(client, "amina", "wrong wrong")
    assert response.status_code == 429
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600 - int(time.time() - started) + 1
