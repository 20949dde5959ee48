"""Shared fixtures: the app, a clean database per test, clients that act like a person, and factories.

The database is SQLite (a file, so a live server thread and the tests share it) unless
``CONSULT_TEST_DATABASE_URL`` names a PostgreSQL database: ``.ci/run`` runs the whole suite once on each.

How each test gets a clean database (the ``db`` fixture):

* By default, the test runs inside one transaction that is rolled back at its end. The fixture opens one
  connection and begins a transaction on it: on SQLite the engine's ``begin`` event emits ``BEGIN IMMEDIATE``
  then, once (a writer from the start: ``consult.core.db``'s handling of a reading transaction's first write
  never applies to it). Every ``db.session`` made in the test's thread for the test app (the test's own, and
  each request's: a request has its own app context) is bound to that connection with
  ``join_transaction_mode="create_savepoint"``, so the commits of the app (``consult.core.db.
  commit_or_rollback``) and of the test (``make_user``, ``ConsultClient.open``) only release SAVEPOINTs, and a
  request answered with an error rolls back to its own. ``consult.core.db.read_connection`` reads through the
  same connection (the sign-in's password check must see the test's accounts). The tables kept by triggers
  (``proposal_tally``, ``comment_thread``) and SQLite's full-text table are rolled back with the rest. What
  the rollback does not undo: PostgreSQL sequences (ids do not start at 1 in each test: no test may assume
  an id), the cache regions of ``consult.core.cache`` (keyed by versions that are random or stamped, never by
  ids alone: the old way reused ids too) and the rate limiter's memory (``limiter.reset()`` before each test).
* Tests marked ``committed_db`` have their writes really committed: the fixture empties every table first
  (DELETE on SQLite, TRUNCATE on PostgreSQL, and ``schema_extras.clean_all_extras()``). For what cannot run
  on one connection in one thread: the browser tests (a live server thread; every test in ``tests/browser/``,
  see ``COMMITTED``), tests with threads or subprocesses, tests of several connections or of SQLite's locks,
  PostgreSQL's LISTEN/NOTIFY (delivered on commit only), backups and restores. Mark a module with
  ``pytestmark = pytest.mark.committed_db``, or a test with ``@pytest.mark.committed_db``.

Any commit that reaches the database (a ``committed_db`` test, a test that writes through the app without the
``db`` fixture) marks it as used: the next test of the default kind empties the tables first.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import tempfile
import threading
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from consult import create_app
from consult.core.db import write_transaction
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


#: tests that cannot run in the rolled-back transaction of one connection (a live server thread): marked
#: ``committed_db`` (see the module's docstring)
COMMITTED = ("tests/browser/",)


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.path)
        if any(part in path for part in SLOW):
            item.add_marker(pytest.mark.slow)
        if any(part in path for part in COMMITTED):
            item.add_marker(pytest.mark.committed_db)


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
    _read_through_test_connection()
    with application.app_context():
        _count_commits(_db.engine)
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


class _Joined(threading.local):
    """The connection of the running test's rolled-back transaction, in the test's thread, for its app."""

    app = None
    connection: sa.Connection | None = None


_joined = _Joined()
#: a commit reached the test database (from any thread) since its tables were last emptied
_used = threading.Event()
_used.set()


def _joined_connection() -> sa.Connection | None:
    if _joined.connection is None or not has_app_context():
        return None
    return _joined.connection if current_app._get_current_object() is _joined.app else None


class _TestSession(FlaskSession):
    """``db.session``'s class in the tests: joined to the test's transaction when there is one (a SAVEPOINT of
    its own for each of its transactions); a plain Flask-SQLAlchemy session otherwise."""

    def __init__(self, db, **kwargs):
        connection = _joined_connection()
        if connection is not None:
            kwargs.update(bind=connection, join_transaction_mode="create_savepoint")
        super().__init__(db, **kwargs)

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and isinstance(self.bind, sa.Connection):
            return self.bind  # Flask-SQLAlchemy's own would answer the engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


_db.session.session_factory.class_ = _TestSession


def _read_through_test_connection():
    """``consult.core.db.read_connection`` and every module that imported it: the test's connection when a
    transaction is joined (left open at the end of the ``with``), a connection of its own otherwise."""
    from consult.core import db as core_db

    original = core_db.read_connection

    def read_connection():
        connection = _joined_connection()
        return original() if connection is None else nullcontext(connection)

    for name, module in list(sys.modules.items()):
        if name.startswith("consult") and getattr(module, "read_connection", None) is original:
            module.read_connection = read_connection


def _count_commits(engine) -> None:
    """Any commit of a transaction on the test database (not the release of a savepoint) marks it as used."""

    @sa.event.listens_for(engine, "commit")
    def _committed(_connection):
        _used.set()


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
    _used.clear()


@pytest.fixture
def db(app, request):
    """A clean database for every test, inside an application context: the test's rolled-back transaction, or
    emptied tables for a test marked ``committed_db`` (see the module's docstring)."""
    with app.app_context():
        limiter.reset()
        # the limiter is one object per process: an app another test made with RATELIMIT_ENABLED off must not
        # switch it off for this one
        limiter.enabled = app.config.get("RATELIMIT_ENABLED", True)
        if request.node.get_closest_marker("committed_db"):
            _clean_tables()
            yield _db
            _db.session.rollback()
            _db.session.remove()
            return
        if _used.is_set():
            _clean_tables()
        _db.session.remove()
        connection = _db.engine.connect()
        with write_transaction():  # SQLite: BEGIN IMMEDIATE; the app's transactions are SAVEPOINTs in it
            outer = connection.begin()
        _joined.app, _joined.connection = app, connection
        try:
            yield _db
        finally:
            _db.session.remove()
            _joined.app = _joined.connection = None
            outer.rollback()
            connection.close()


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
