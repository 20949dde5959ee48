"""Shared fixtures: the app, a clean database per test, clients that act like a person, and factories.

The database is SQLite (a file, so a live server thread and the tests share it) unless
``CONSULT_TEST_DATABASE_URL`` names a PostgreSQL database: ``.ci/run`` runs the whole suite once on each.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from consult import create_app
from consult.extensions import db as _db
from consult.extensions import limiter


def _database_of_this_worker(url: str | None) -> str | None:
    """With pytest-xdist (``make test`` runs two workers) each worker gets its own PostgreSQL database, made
    beside the one named (``consult_test`` -> ``consult_test_gw0``); SQLite files are per worker already."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}):
            conn.exec_driver_sql(f'CREATE DATABASE "{own}"')
    admin.dispose()
    return f"{base}/{own}"


TEST_DATABASE_URL = _database_of_this_worker(os.environ.get("CONSULT_TEST_DATABASE_URL"))
DEFAULT_PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


#: whole-application sweeps, fuzzers, crash and generator runs: marked ``slow`` (``make test-fast`` leaves
#: them out)
SLOW = ("tests/core/test_authorization_matrix.py", "tests/reliability/", "tests/security/test_fuzz.py",
        "tests/demo/test_generate", "tests/api/test_api_schemathesis.py", "tests/core/test_query_budget.py",
        "tests/core/test_smoke.py")


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.path)
        if any(part in path for part in SLOW):
            item.add_marker(pytest.mark.slow)


def database_backend() -> str:
    return "postgresql" if TEST_DATABASE_URL else "sqlite"


class ConsultClient(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would.

    Each request runs in its own application context (fresh ``g`` and database session), as it would in a
    server, even while the test itself holds one open for its own queries.
    """

    def open(self, *args, **kwargs):
        # the test's own session ends its transaction first: it then sees what the request wrote
        _db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/privacy").get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    def post_form(self, url, data=None, *, htmx=False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers.update({"HX-Request": "true"})
        return self.post(url, data=data, headers=headers, **kwargs)

    def sign_in(self, username, password=DEFAULT_PASSWORD):
        response = self.post_form("/sign-in", {"username": username, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return response

    def sign_out(self):
        return self.post_form("/sign-out")


@pytest.fixture(scope="session")
def instance_dir():
    with tempfile.TemporaryDirectory(prefix="consult-test-") as path:
        yield Path(path)


@pytest.fixture(scope="session")
def app(instance_dir):
    url = TEST_DATABASE_URL or f"sqlite:///{instance_dir / 'test.sqlite3'}"
    application = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_dir),
            "SECRET_KEY": "test-secret-key",
            "RESIDENCE_HMAC_KEY": "test-residence-key-0123456789abcdef",
            "DATABASE_URL": url,
            "PASSWORD_HASH_PROFILE": "test",
            "SERVER_NAME": None,
            # links that leave the site point at the test client's host; the live server of the browser tests
            # answers on 127.0.0.1 (production trusts its base URL's host only)
            "BASE_URL": "http://localhost",
            "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
            "RATELIMIT_SIGN_IN": "1000 per minute",
            "RATELIMIT_SIGN_IN_ACCOUNT": "1000 per minute",
            "RATELIMIT_SIGN_UP": "1000 per minute",
            "RATELIMIT_RESET": "1000 per minute",
            "RATELIMIT_VERIFY": "1000 per minute",
            "RATELIMIT_POST": "1000 per minute",
            "RATELIMIT_VOTE": "1000 per minute",
            "MAIL_SERVER": None,
            # tasks run at once, where their transaction commits (no consumer; consult.core.tasks)
            "TASKS_IMMEDIATE": True,
        }
    )
    application.test_client_class = ConsultClient
    with application.app_context():
        _db.drop_all()
        _db.create_all()
        _create_extras()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _create_extras():
    from consult.core.schema_extras import create_all_extras

    create_all_extras()


def _clean_tables():
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())
    from consult.core.schema_extras import clean_all_extras

    clean_all_extras()


@pytest.fixture
def db(app):
    """A clean database for every test, inside an application context."""
    with app.app_context():
        _clean_tables()
        limiter.reset()
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def htmx_client(app, db):
    """A client whose requests carry the headers htmx sends (fragment answers)."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_HX_REQUEST"] = "true"
    return test_client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    """Factory: ``make_user(roles=("admin",), verified=True, birth_year=1990)`` returns a committed User."""
    from consult.accounts import services as accounts
    from consult.residency.models import ResidentStatus

    def factory(username=None, *, display_name=None, password=DEFAULT_PASSWORD, language="en", email=None,
                roles=(), verified=False, birth_year=None, district_id=None, method="in_person"):
        n = next(_counter)
        user = accounts.sign_up(username or f"person{n}", display_name or f"Person {n}", password, language,
                                email)
        for role in roles:
            accounts.grant_role(user, role)
        if verified:
            _db.session.add(ResidentStatus(user=user, method=method, birth_year=birth_year,
                                           district_id=district_id))
        _db.session.commit()
        return user

    return factory
