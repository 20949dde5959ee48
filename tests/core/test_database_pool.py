"""Each server process keeps a database connection for each thread that serves pages: a busy process neither
waits for one nor opens and closes connections (each a new PostgreSQL server process)."""

from __future__ import annotations

from consult.config import configure_database_pool

PG = "postgresql+psycopg://consult@db.internal/consult"


def pool_of(**config) -> dict:
    configure_database_pool(config)
    return config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}


def test_the_pool_has_a_connection_for_each_thread_that_serves_pages():
    assert pool_of(SQLALCHEMY_DATABASE_URI=PG) == {"pool_size": 16, "max_overflow": 16}
    assert pool_of(SQLALCHEMY_DATABASE_URI=PG, WEB_THREADS="8") == {"pool_size": 8, "max_overflow": 8}
    assert pool_of(SQLALCHEMY_DATABASE_URI="sqlite:////srv/consult.sqlite3", WEB_THREADS=4) == {
        "pool_size": 4, "max_overflow": 4}


def test_options_given_win_and_other_pools_stay_as_they_are():
    given = {"pool_size": 8, "max_overflow": 4, "pool_pre_ping": True}
    assert pool_of(SQLALCHEMY_DATABASE_URI=PG, SQLALCHEMY_ENGINE_OPTIONS=given) == given
    assert pool_of(SQLALCHEMY_DATABASE_URI=PG, SQLALCHEMY_ENGINE_OPTIONS={"max_overflow": 0}) == {
        "pool_size": 16, "max_overflow": 0}
    assert pool_of(SQLALCHEMY_DATABASE_URI="sqlite://") == {}
    assert pool_of(SQLALCHEMY_DATABASE_URI="sqlite:///:memory:") == {}
    null = {"poolclass": object}
    assert pool_of(SQLALCHEMY_DATABASE_URI=PG, SQLALCHEMY_ENGINE_OPTIONS=null) == null


def test_the_app_engine_pool_is_sized_so(app):
    with app.app_context():
        from consult.extensions import db

        size = int(app.config.get("WEB_THREADS") or 16)
        assert db.engine.pool.size() == size
