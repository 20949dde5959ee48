"""The application shell: configuration, secrets, headers, health check, error pages."""

from __future__ import annotations

import os
import stat

import pytest

from consult import create_app
from consult.config import load_or_create_secrets
from tests.helpers import text_of

PAGES = ["/", "/privacy", "/verify", "/sign-in", "/sign-up", "/reset", "/reset-code"]


def test_secrets_are_generated_once_with_mode_600(tmp_path):
    first = load_or_create_secrets(str(tmp_path))
    mode = stat.S_IMODE(os.stat(tmp_path / "secrets.json").st_mode)
    assert mode == 0o600
    assert len(first["SECRET_KEY"]) >= 40 and len(first["RESIDENCE_HMAC_KEY"]) == 64
    assert load_or_create_secrets(str(tmp_path)) == first


def test_config_layers_instance_file_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("PLATFORM_NAME = 'From file'\nCITY_NAME = 'File city'\n")
    monkeypatch.setenv("CONSULT_CITY_NAME", "Env city")
    monkeypatch.setenv("CONSULT_DATABASE_URL", "postgresql://u:p@localhost/x")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["PLATFORM_NAME"] == "From file"
    assert app.config["CITY_NAME"] == "Env city"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert (tmp_path / "secrets.json").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/consult.sqlite3"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("path", PAGES + ["/healthz", "/does-not-exist"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_flags(client, make_user):
    make_user("cookie")
    response = client.post_form("/sign-in", {"username": "cookie", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<a class="skip-link" href="#main">' in response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    for landmark in ("<header", "<main", "<footer", 'aria-label="Main"'):
        assert landmark in html
    assert "/privacy" in html


def test_layout_loads_vendored_htmx_with_config(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert 'hx-boost="true"' in html
    assert '"allowEval":false' in html and '"historyCacheSize":0' in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_404_page_is_translated(client):
    response = client.get("/nowhere", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert 'lang="fr"' in response.get_data(as_text=True)
    assert "Page introuvable" in text_of(response)


def test_405_page(client):
    response = client.get("/sign-out", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert "Not possible here" in text_of(response)


def test_500_page_is_translated_and_rolls_back(tmp_path, app):
    broken = create_app({"INSTANCE_PATH": str(tmp_path),
                         "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x",
                         "RESIDENCE_HMAC_KEY": "y"})

    def boom():
        raise RuntimeError("kaput")

    broken.add_url_rule("/boom", "boom", boom)
    response = broken.test_client().get("/boom", headers={"Accept-Language": "it"})
    assert response.status_code == 500
    assert 'lang="it"' in response.get_data(as_text=True)
    assert "kaput" not in response.get_data(as_text=True)


def test_body_over_limit_gets_413(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/sign-in", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "too large" in text_of(response).lower()


def test_htmx_error_is_a_fragment_retargeted_to_alerts(htmx_client):
    response = htmx_client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#alerts"
    assert "<html" not in response.get_data(as_text=True)
