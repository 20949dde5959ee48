"""Database behaviour shared by every request: SQLite settings and one commit per request.

SQLite runs in WAL mode with a busy timeout and foreign keys on. Python's sqlite3 driver would open
transactions lazily and in its own way; it is told to leave that to us, and write requests begin with
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing half-way (reads stay
``BEGIN`` and never block writers in WAL mode).
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from consult.extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_write_intent: ContextVar[bool] = ContextVar("consult_write_intent", default=False)


@contextmanager
def write_transaction():
    """Outside a request (CLI, workers), make the next SQLite transaction take the write lock at once."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def read_only(view):
    """Mark a POST view that writes nothing (a confirmation step): its transaction takes no write lock."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.consult_read_only = True
        return view(*args, **kwargs)

    return wrapper


def read_connection():
    """A separate connection for a short read outside the request's transaction (never takes the write lock).

    Used before slow work that must not hold SQLite's single write lock, e.g. checking a password hash.
    """
    return db.engine.connect().execution_options(consult_read_only=True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    timeout = 10_000
    try:
        timeout = int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", timeout))
    except RuntimeError:  # no app context (engine used directly)
        pass
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {timeout}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("consult_read_only"):
        immediate = False
    elif has_request_context():
        immediate = request.method not in READ_METHODS and not g.get("consult_read_only", False)
    else:
        immediate = _write_intent.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def commit_or_rollback(response):
    """The one commit of a request: kept when the answer is a success or a redirect, dropped otherwise."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
