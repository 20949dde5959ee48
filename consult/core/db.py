"""Database behaviour shared by every request: SQLite's settings and write lock, one commit per request, and
running a view again when the database was busy.

SQLite (WAL, busy timeout, foreign keys on) lets one connection write at a time. How writers keep in line:

* Python's sqlite3 driver is told to leave transactions to us; each one begins with ``BEGIN`` (a snapshot to
  read, no lock) or ``BEGIN IMMEDIATE`` (the write lock at once, so two writers queue instead of failing
  half-way).
* Before asking SQLite for its lock a writer passes the file's **write gate** (``consult.core.write_gate``):
  the writers of a process queue in turn, then the processes take an ``flock``; the gate is given back when
  the transaction ends. SQLite's own busy handler polls with sleeps that grow to 100 ms, so under load a
  writer that had waited a while kept losing the lock to newer ones until its busy timeout ran out
  ("database is locked"). The gate waits as long as the busy timeout at most.
* A write request (POST ...) takes the write lock at its first statement: what it read and what it writes are
  one serializable transaction. A view marked :func:`short_write` reads without the lock and takes it at its
  first write (the read snapshot ends, ``BEGIN IMMEDIATE`` starts), and commits as soon as its service has
  written (:func:`commit_now`, called by ``rendering.submit``), before its answer is made: the lock is held
  only while it writes. Its reads may then be a moment older than its writes -- what PostgreSQL's READ
  COMMITTED gives every request --, so its writes must be right whatever happened in between: constraints
  stop doubles, counters move in SQL (``count = count + 1``), a state that must still hold is checked again
  after the first write.
* A read transaction that writes (a GET that records something, a task) passes the gate before its first
  write, and SQLite turns its snapshot into a write transaction; if another connection wrote since the
  snapshot, SQLite refuses at once ("database is locked", without waiting) and the view runs again.
* :func:`install` makes every view run again, at most ``RETRIES`` times, when its transaction met a busy
  database ("database is locked" on SQLite; a serialization failure or a deadlock on PostgreSQL) and nothing
  was committed yet: the view has not answered, so nothing was sent; its transaction is rolled back and the
  cookie session put back as it came.

Durability: SQLite runs ``synchronous = NORMAL`` in WAL mode (``SQLITE_SYNCHRONOUS`` to change it). A commit
has written its pages to the WAL file through the operating system before the request answers; only the
``fsync`` is left to the next checkpoint. A server process killed at any moment (``kill -9``, a crash, an
out-of-memory kill) loses nothing it acknowledged: the kernel holds the pages and the next connection
recovers the WAL. A power cut or a kernel crash can lose the last commits before a checkpoint (never corrupt
the database); ``FULL`` syncs the WAL at every commit and removes that window at the cost of one ``fsync``
per write. PostgreSQL commits with ``synchronous_commit = on`` by default: a commit is on disk (WAL flushed)
before the request answers, power cut included.
"""

from __future__ import annotations

import copy
import random
import re
import sqlite3
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from flask import current_app, g, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consult.core.write_gate import GatedConnection, gate_for
from consult.extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
#: times a view runs again after its transaction met a busy database (nothing committed, nothing sent)
RETRIES = 2
#: ... and only within this many seconds of its start (a busy timeout is 10 s)
RETRY_WITHIN = 12.0
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_write_intent: ContextVar[bool] = ContextVar("consult_write_intent", default=False)
_short_intent: ContextVar[bool] = ContextVar("consult_short_intent", default=False)
#: statements that write (a savepoint opens a write: it is taken as one)
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SAVEPOINT)\b", re.IGNORECASE)
_WITH_WRITES = re.compile(r"\s*WITH\b.*\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE | re.DOTALL)


@contextmanager
def write_transaction(*, short: bool = False):
    """Outside a request (CLI, workers), make the next SQLite transaction take the write lock at once; with
    ``short``, at its first write (its reads then follow the rules of a :func:`short_write` view: a task
    that reads much before it writes, as a notification fan-out)."""
    token = (_short_intent if short else _write_intent).set(True)
    try:
        yield
    finally:
        (_short_intent if short else _write_intent).reset(token)


def read_only(view):
    """Mark a POST view that writes nothing (a confirmation step): its transaction takes no write lock."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.consult_read_only = True
        return view(*args, **kwargs)

    wrapper.consult_read_only = True  # known before the view runs (the sign-in check may query first)
    return wrapper


def short_write(view):
    """Mark a POST view whose reads need not be locked with its writes: on SQLite it takes the write lock at
    its first write, not at its first read (see the module's rules: its writes must stay right if the rows
    it read changed meanwhile)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.consult_short_write = True
        return view(*args, **kwargs)

    wrapper.consult_short_write = True
    return wrapper


def _view_says(flag: str) -> bool:
    """Whether the request's view is marked ``flag`` (:func:`read_only`, :func:`short_write`), already before
    it runs: the decorators' wrappers (``functools.wraps``) carry the mark to the registered view."""
    if g.get(flag, False):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, flag, False))


def is_short_write() -> bool:
    """Whether the request's view is a :func:`short_write` (or, outside a request, a short
    :func:`write_transaction`)."""
    if has_request_context():
        return _view_says("consult_short_write")
    return _short_intent.get()


def commit_now() -> None:
    """Commit the request's writes now, before its answer is made (what is loaded stays as it is): a short
    write holds SQLite's write lock, or PostgreSQL's row locks, no longer than it writes. What the request
    does afterwards is a transaction of its own, committed or rolled back at its end as usual (and the view
    is not run again: something is committed)."""
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def insert_once(model, **values) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING``: True when the row was added, False when one of the table's
    unique constraints already holds such a row (whatever the concurrency). One statement, where catching
    the ``IntegrityError`` needs a SAVEPOINT around it (two more round trips); SQLite and PostgreSQL."""
    from sqlalchemy.dialects import postgresql, sqlite

    table = model.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return db.session.execute(statement).first() is not None


def read_connection():
    """A separate connection for a short read outside the request's transaction (never takes the write lock).

    Used before slow work that must not hold SQLite's single write lock, e.g. checking a password hash.
    """
    return db.engine.connect().execution_options(consult_read_only=True)


# ----------------------------------------------------------------------------------------- engine events


@event.listens_for(Engine, "do_connect")
def _sqlite_connection_class(dialect, _connection_record, _cargs, cparams):
    if dialect.name == "sqlite" and dialect.driver == "pysqlite":
        cparams.setdefault("factory", GatedConnection)


def _setting(name: str, default):
    try:
        return current_app.config.get(name, default)
    except RuntimeError:  # no app context (engine used directly)
        return default


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    timeout = int(_setting("SQLITE_BUSY_TIMEOUT_MS", 10_000))
    synchronous = str(_setting("SQLITE_SYNCHRONOUS", "NORMAL")).upper()
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {timeout}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {synchronous if synchronous in SYNCHRONOUS else 'NORMAL'}")
    cursor.execute("PRAGMA foreign_keys = ON")
    files = {name: path for _seq, name, path in cursor.execute("PRAGMA database_list")}
    cursor.close()
    if isinstance(dbapi_connection, GatedConnection):
        dbapi_connection.consult_timeout = timeout / 1000
        dbapi_connection.consult_gate = gate_for(files.get("main") or "")


def _takes_lock_at_once(connection) -> bool:
    if connection.get_execution_options().get("consult_read_only"):
        return False
    if has_request_context():
        return (request.method not in READ_METHODS and not _view_says("consult_read_only")
                and not _view_says("consult_short_write"))
    return _write_intent.get()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    gated = isinstance(raw, GatedConnection)
    if not _takes_lock_at_once(connection):
        connection.exec_driver_sql("BEGIN")
        if gated:
            raw.consult_reading = True
        return
    if gated:
        raw.take_gate()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if gated:
            raw.rollback()  # gives the gate back
        raise


def _writes(statement: str) -> bool:
    return bool(_WRITES.match(statement) or _WITH_WRITES.match(statement))


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_before_write(connection, _cursor, statement, _parameters, _context, _executemany):
    """A read transaction's first write: through the gate first. In a :func:`short_write` view the read
    snapshot ends and a write transaction starts; elsewhere SQLite upgrades the snapshot (serializable)."""
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not getattr(raw, "consult_reading", False) or not _writes(statement):
        return
    raw.consult_reading = False
    if not isinstance(raw, GatedConnection):
        return
    if is_short_write():
        raw.commit()  # the snapshot read so far (nothing was written)
        raw.begin_immediate()
    else:
        raw.take_gate()


# ---------------------------------------------------------------------------------------- the request


def commit_or_rollback(response):
    """The one commit of a request: kept when the answer is a success or a redirect, dropped otherwise."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


@event.listens_for(Session, "after_commit")
def _note_commit(_session):
    if has_request_context():
        g.consult_committed = True


def busy(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database was busy: SQLite's "database is locked" or
    "database table is locked", PostgreSQL's serialization failure or deadlock."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, sqlite3.OperationalError) and "is locked" in str(error):
            return True
        if getattr(error, "sqlstate", None) in ("40001", "40P01"):
            return True
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
        seen += 1
    return False


def run_again_when_busy(view):
    """Run ``view()``; when its transaction meets a busy database before anything was committed, roll back,
    put the cookie session back as it came and run it again (``RETRIES`` times at most)."""
    kept = copy.deepcopy(dict.copy(session._get_current_object()))  # not "accessed": no Vary: Cookie
    started = time.monotonic()
    for attempt in range(RETRIES + 1):
        try:
            return view()
        except Exception as error:
            if attempt == RETRIES or g.get("consult_committed", False) or not busy(error) \
                    or time.monotonic() - started > RETRY_WITHIN:
                raise
            db.session.rollback()
            session.clear()
            session.update(copy.deepcopy(kept))
            g.pop("_login_user", None)  # Flask-Login loads the person again, in the new transaction
            time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
    raise AssertionError("unreachable")


def install(app) -> None:
    """The request's database rules: views run again when the database was busy, one commit at the end."""
    dispatch = app.dispatch_request

    @wraps(dispatch)
    def dispatch_request():
        return run_again_when_busy(dispatch)

    app.dispatch_request = dispatch_request
    app.after_request(commit_or_rollback)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
