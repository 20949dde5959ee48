"""Links that leave the site come from the configured base URL, never from the request's Host header, and a
request that names an unknown host is refused (password-reset poisoning, poisoned feeds and calendars)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest

import consult
from consult import create_app
from consult.core.models import utcnow
from consult.core.urls import external_url

BASE = "https://consult.example.org"


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    return BASE


def test_reset_request_with_a_foreign_host_is_refused_and_sends_nothing(client, make_user, outbox):
    make_user("amina", email="amina@example.org")
    form = client.get("/reset", headers={"Host": "evil.example"})  # the attacker's own visit, cookies and all
    assert form.status_code == 400
    token = client.csrf_token()
    response = client.post("/reset", data={"email": "amina@example.org", "csrf_token": token},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert outbox == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:5000"])
def test_reset_mail_links_to_the_base_url_whatever_trusted_host_was_used(client, make_user, outbox, base_url,
                                                                         host):
    make_user("amina", email="amina@example.org")
    page = client.get("/reset", headers={"Host": host}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/reset", data={"email": "amina@example.org", "csrf_token": token},
                           headers={"Host": host, "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 303
    [message] = outbox.to("amina@example.org")
    [link] = outbox.links(message)
    assert link.startswith(BASE + "/reset/")
    assert "evil" not in outbox.body(message) and host not in outbox.body(message)


@pytest.mark.parametrize("path", ["/privacy", "/healthz", "/api/v1/", "/proposals/feed.atom", "/sign-in"])
def test_every_page_refuses_an_unknown_host(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["Content-Security-Policy"]  # the security headers are still there


def test_feeds_and_api_index_link_to_the_base_url(client, db, base_url):
    from consult.outcomes import services as outcomes

    outcomes.create_outcome("A new library", council_id=None)
    db.session.commit()
    for path in ("/proposals/feed.atom?sort=newest", "/minutes/feed.atom", "/outcomes/feed.atom", "/api/v1/"):
        body = client.get(path, headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
        links = re.findall(r"https?://[^\s\"'<]+", body)
        ours = [link for link in links if "w3.org" not in link and "lkiesow" not in link]  # XML namespaces
        assert ours, path
        assert all(link.startswith(BASE + "/") for link in ours), (path, ours)
        assert "127.0.0.1" not in body


def test_calendar_links_and_uids_use_the_base_url(client, db, base_url):
    from consult.councils import services as councils
    from consult.meetings import services as meetings

    council = councils.create_council(name="Council of Cultures", purpose="For everyone.")
    session = meetings.create_session(council, title="Spring session",
                                      starts_at=utcnow() + timedelta(days=20), place="Town hall")
    meetings.add_item(session, title="Welcome")
    meetings.convene_session(session)
    db.session.commit()
    response = client.get(f"/councils/{council.slug}/sessions.ics", headers={"Host": "127.0.0.1:5000"})
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    url = str(event["url"])
    assert url == f"{BASE}/councils/sessions/{session.id}" or url.startswith(BASE + "/")
    assert str(event["uid"]).endswith("@consult.example.org")
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_external_url_needs_no_request_and_keeps_a_path_prefix(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://city.example/consult")
    with app.app_context():
        assert external_url("proposals.index") == "https://city.example/consult/proposals"
        assert external_url("proposals.show", proposal_id=7, _anchor="c-3", sort=None) == \
            "https://city.example/consult/proposals/7#c-3"


def test_trusted_hosts_come_from_the_base_url_and_the_extra_list(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_BASE_URL", "https://Consult.Example.org/")
    monkeypatch.setenv("CONSULT_TRUSTED_HOSTS", "consult-internal.lan, .city.example")
    application = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert application.config["BASE_URL"] == "https://consult.example.org"
    assert application.config["TRUSTED_HOSTS"] == ["consult.example.org", "consult-internal.lan",
                                                   ".city.example"]
    client = application.test_client()
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_the_local_default_trusts_the_loopback_names_only(tmp_path, monkeypatch):
    monkeypatch.delenv("CONSULT_BASE_URL", raising=False)
    monkeypatch.delenv("CONSULT_TRUSTED_HOSTS", raising=False)
    application = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert application.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert set(application.config["TRUSTED_HOSTS"]) == {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("bad", ["consult.example.org", "ftp://consult.example.org", "https://",
                                 "https://x.org/?a=1"])
def test_a_malformed_base_url_stops_the_start(tmp_path, monkeypatch, bad):
    monkeypatch.setenv("CONSULT_BASE_URL", bad)
    with pytest.raises(ValueError, match="CONSULT_BASE_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_no_link_is_built_from_the_request_host():
    """``external_url`` is the one way to an absolute link: neither ``_external=True`` nor ``request.host``,
    ``request.url``, ``url_root`` or ``host_url`` appear in the application (but in the docstring saying
    so)."""
    root = Path(consult.__file__).parent
    pattern = re.compile(r"\b_external\s*=|request\.(host|url|url_root|host_url|base_url)\b")
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
                 if "migrations" not in path.parts and path != root / "core" / "urls.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []
