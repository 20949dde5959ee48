"""Migrations build the schema from nothing, and it is exactly the schema the models describe."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from consult import create_app
from consult.extensions import db
from tests.conftest import TEST_DATABASE_URL


def _is_search_index(name: str) -> bool:
    # full-text search tables (SQLite FTS5 and their shadow tables) are made by migrations, not models
    return "_fts" in name


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"consult_migr_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    base = TEST_DATABASE_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_upgrade_from_nothing_matches_the_models(tmp_path, empty_database_url):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": empty_database_url,
                      "SECRET_KEY": "x", "RESIDENCE_HMAC_KEY": "y"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
        problems = []
        for diff in diffs:
            entry = diff[0] if isinstance(diff, list) else diff
            if entry[0] == "remove_table" and _is_search_index(entry[1].name):
                continue
            if entry[0] == "remove_index" and _is_search_index(getattr(entry[1], "name", "") or ""):
                continue
            if entry[0] == "add_table" and entry[1].name.startswith("test_"):
                continue  # tables that only the test suite defines (e.g. a sample commentable item)
            problems.append(diff)
        assert problems == []
        db.engine.dispose()


def test_later_migrations_keep_every_row_of_a_database_in_use(tmp_path, empty_database_url):
    """A database upgraded with data in it loses nothing: on SQLite a migration that changes a table copies
    it (batch mode), and with foreign keys on the copy's drop of the old table deleted every row referring to
    it (a council's memberships, sessions, agenda items, motions, attendance)."""
    from flask_migrate import downgrade

    from consult.demo import load_demo

    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": empty_database_url,
                      "SECRET_KEY": "x", "RESIDENCE_HMAC_KEY": "y", "TASKS_IMMEDIATE": True,
                      "MAIL_SERVER": None})
    tables = ("council_membership", "council_session", "agenda_item", "council_motion", "council_attendance",
              "council", "proposal", "comment")
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        with db.engine.connect() as conn:
            before = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}
        assert before["council_membership"] and before["council_session"] and before["agenda_item"]
        downgrade(revision="0008")
        upgrade()
        with db.engine.connect() as conn:
            after = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}
        assert after == before
        db.engine.dispose()
