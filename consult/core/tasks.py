"""The task queue: slow or remote work runs in a consumer process, never while a person waits.

Mail, notification fan-out, PDF rendering and exports are *tasks*, declared where their domain lives::

    @tasks.task("minutes.render_pdf", retries=3, retry_delay=30)
    def render_pdf(minutes_id: int) -> None: ...

    render_pdf.enqueue(minutes.id)   # put on the queue once the current transaction commits

Rules kept here:

* A task runs inside an application context with its own database session, committed once when the task
  returns and rolled back when it raises: the services it calls never commit, as in a request. Like a POST,
  its transaction takes SQLite's write lock at its start (not with ``read_only=True``; at its first write
  with ``short_write=True``): remote work comes before the first query, or keeps to short transactions of its
  own (mail does).
* :meth:`Task.enqueue` waits for the commit of the session it is called in: a rolled-back request enqueues
  nothing, and a task never reads a database that does not yet hold what the request wrote.
* Arguments are ids and plain values (JSON): never objects, never personal data (the queue's storage is not
  the database, and is neither exported nor erased with an account).
* A task that raises is tried again ``retries`` times, after ``retry_delay`` seconds multiplied by ``backoff``
  each time (30 s, 60 s, 120 s ...); one that raises :class:`Permanent` is not. When the last attempt fails,
  a :class:`TaskFailure` row keeps its name, time, attempts and error class (no message: it may name a
  person) for the administrators' page, ``/admin/tasks``, where it can be run again or discarded.
* Results are not stored.

Storage (huey 3): a SQLite file in the instance folder (``instance/tasks.sqlite3``) by default, Redis when
``TASKS_REDIS_URL`` or ``REDIS_URL`` is set; with ``TASKS_IMMEDIATE`` (the tests) a task runs at once, in the
process that commits. The consumer is ``flask --app consult tasks consume`` (``consult/core/tasks_cli.py``).

Delivery: huey takes a task off the queue before running it, so a consumer killed in the middle of a task
loses that task (at most once). Work that must not be lost keeps its own row in the database until it is done
(mail's outbox, ``consult.core.mail``), and a periodic task declared ``at_start`` puts it back on the queue
(when the consumer starts, then every minute).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from huey import CancelExecution, Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.core.db import write_transaction
from consult.core.errors import NotFound
from consult.core.models import utcnow
from consult.extensions import db

log = logging.getLogger(__name__)

#: ``session.info`` key of the tasks waiting for the session's commit
_PENDING = "consult_pending_tasks"
_EXTENSION = "consult_tasks"
_lock = threading.Lock()


@dataclass(frozen=True)
class Attempt:
    """The run of a task going on in this thread: its queue id (the same for each retry) and the delay
    before its next retry, if this one fails."""

    id: str
    retry_delay: float


_attempt: ContextVar[Attempt | None] = ContextVar("consult_task_attempt", default=None)


def current() -> Attempt:
    """The attempt running now (a task called directly, outside the queue, gets a fresh id each time)."""
    return _attempt.get() or Attempt(uuid.uuid4().hex, 0.0)


class TaskError(Exception):
    """A failure told by the class name of its cause only: ``raise TaskError(err) from None`` (an SMTP error's
    message names addresses; the log and the administrators' page get ``SMTPRecipientsRefused``)."""

    def __init__(self, cause: BaseException | str):
        self.error = cause if isinstance(cause, str) else type(cause).__name__
        super().__init__(self.error)


class Permanent(TaskError):
    """Trying again cannot help (a refused address): the task is not retried, its failure is kept at once."""


class TaskFailure(db.Model):
    """A task whose last attempt failed, kept until an administrator runs it again or discards it."""

    __tablename__ = "task_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the task's declared name (``mail.deliver``)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: its arguments (ids and plain values), to run it again; never shown
    args: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    #: the class of the last error (``SMTPServerDisconnected``), never its message
    error: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    failed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)


@dataclass
class Task:
    """A declared task (see :func:`task`). Calling it runs it here and now, in the caller's transaction."""

    name: str
    func: Callable
    retries: int = 5
    retry_delay: float = 30.0
    backoff: float = 2.0
    read_only: bool = False
    #: its transaction takes SQLite's write lock at its first write, not at its first query (reads before
    #: writes that stay right if what they read changed meanwhile: ``consult.core.db.write_transaction``)
    short_write: bool = False
    #: called with the task's arguments in the transaction that records its failure (mail marks its message)
    given_up: Callable | None = None
    #: called with the task's arguments when an administrator discards the failure (mail deletes its message)
    discarded: Callable | None = None
    #: called with the task's arguments when an administrator runs the failed task again
    retried: Callable | None = None
    #: a huey ``crontab``: a periodic task, run by the consumer on that schedule
    schedule: Callable | None = None
    #: also put on the queue (without arguments) each time the consumer starts
    at_start: bool = False

    def __call__(self, *args):
        return self.func(*args)

    def enqueue(self, *args, delay: float | None = None) -> None:
        """Run in the consumer once the current transaction commits (never, if it rolls back), ``delay``
        seconds later if given."""
        json.dumps(args)  # ids and plain values only: a TypeError here, not in the consumer
        session = db.session()
        if not session.in_transaction():
            session.begin()  # so that a rollback before any query still drops it
        session.info.setdefault(_PENDING, []).append((self.name, list(args), delay))


_tasks: dict[str, Task] = {}


def task(name: str, *, retries: int = 5, retry_delay: float = 30.0, backoff: float = 2.0,
         read_only: bool = False, short_write: bool = False, at_start: bool = False, **hooks):
    """Declare a task under a stable ``name`` (kept in failure records; the function may move). ``hooks``:
    ``given_up``, ``discarded``, ``retried`` (see :class:`Task`)."""

    def decorator(func: Callable) -> Task:
        return _declare(Task(name, func, retries, retry_delay, backoff, read_only, short_write=short_write,
                             at_start=at_start, **hooks))

    return decorator


def periodic(name: str, schedule, *, at_start: bool = False, read_only: bool = False):
    """Declare a task the consumer runs on ``schedule`` (``huey.crontab(minute="*")``), not retried."""

    def decorator(func: Callable) -> Task:
        return _declare(Task(name, func, 0, 0, 1, read_only, schedule=schedule, at_start=at_start))

    return decorator


def _declare(declared: Task) -> Task:
    known = _tasks.get(declared.name)
    if known is not None and known.func.__qualname__ != declared.func.__qualname__:
        raise ValueError(f"two tasks named {declared.name!r}")
    _tasks[declared.name] = declared
    return declared


def declared(name: str) -> Task | None:
    return _tasks.get(name)


# -- the queue of an application ---------------------------------------------------------------------------


def queue(app: Flask | None = None) -> Huey:
    """The application's huey instance (made on first use), with every declared task registered on it."""
    app = app or current_app._get_current_object()
    with _lock:
        state = app.extensions.setdefault(_EXTENSION, {"huey": None, "wrappers": {}})
        if state["huey"] is None:
            state["huey"] = _make_queue(app)
        for name, declared_task in _tasks.items():
            if name not in state["wrappers"]:
                state["wrappers"][name] = _register(state["huey"], app, declared_task)
        return state["huey"]


def _make_queue(app: Flask) -> Huey:
    cfg = app.config
    name = cfg.get("TASKS_QUEUE_NAME") or "consult"
    if cfg.get("TASKS_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, results=False)
    url = cfg.get("TASKS_REDIS_URL") or cfg.get("REDIS_URL")
    if url:
        # bounded waits: an unreachable Redis must not hold the request that commits (the consumer's blocking
        # read lasts 1 s, under the read timeout)
        import redis

        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=float(cfg.get("TASKS_REDIS_CONNECT_TIMEOUT", 2.0)),
            socket_timeout=float(cfg.get("TASKS_REDIS_TIMEOUT", 5.0)))
        return RedisHuey(name, connection_pool=pool, results=False)
    path = cfg.get("TASKS_SQLITE_PATH") or os.path.join(app.instance_path, "tasks.sqlite3")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return SqliteHuey(name, filename=path, results=False)


def _register(huey: Huey, app: Flask, declared_task: Task):
    def run(*args, task=None):
        return _run(app, declared_task, args, task)

    options = {"retries": declared_task.retries, "retry_delay": declared_task.retry_delay,
               "retry_backoff": declared_task.backoff, "context": True, "name": declared_task.name}
    if declared_task.schedule is not None:
        return huey.periodic_task(declared_task.schedule, **options)(run)
    return huey.task(**options)(run)


def _run(app: Flask, declared_task: Task, args: tuple, task) -> None:
    """One attempt: an app context and a session of its own, one commit at the end, rollback on error."""
    attempt = Attempt(task.id, float(task.retry_delay or 0)) if task is not None else current()
    token = _attempt.set(attempt)
    with app.app_context():
        try:
            with nullcontext() if declared_task.read_only else \
                    write_transaction(short=declared_task.short_write):
                declared_task.func(*args)
                db.session.commit()  # what it wrote, and the tasks it enqueued
        except Exception as exc:
            db.session.rollback()
            permanent = isinstance(exc, Permanent)
            left = 0 if task is None else task.retries
            if permanent or left <= 0:
                _record_failure(declared_task, args, declared_task.retries - left + 1, exc)
            if permanent:
                raise CancelExecution(retry=False) from None
            raise
        finally:
            db.session.remove()
            _attempt.reset(token)


def _record_failure(declared_task: Task, args, attempts: int, exc: BaseException) -> None:
    error = exc.error if isinstance(exc, TaskError) else type(exc).__name__
    try:
        with write_transaction():
            record_failure(declared_task.name, list(args), attempts, error)
            if declared_task.given_up is not None:
                declared_task.given_up(*args)
            db.session.commit()
    except Exception as err:  # the database itself failing: the log is all that is left
        db.session.rollback()
        log.error("task %s failed (%s) and its failure could not be kept: %s", declared_task.name, error,
                  type(err).__name__)


def record_failure(name: str, args: list, attempts: int, error: str) -> TaskFailure:
    """Keep a failure for the administrators (also for one part of a task that went on: a refused address
    in a batch of mail)."""
    failure = TaskFailure(name=name, args=args, attempts=attempts, error=error[:100], failed_at=utcnow())
    db.session.add(failure)
    db.session.flush()
    return failure


def run_at_start(app: Flask) -> None:
    """Put the periodic tasks declared ``at_start`` on the queue (the consumer starts)."""
    huey = queue(app)
    wrappers = app.extensions[_EXTENSION]["wrappers"]
    for name, declared_task in sorted(_tasks.items()):
        if declared_task.at_start:
            huey.enqueue(wrappers[name].s())


def _put(app: Flask, pending: list[tuple[str, list, float | None]]) -> None:
    huey = queue(app)
    wrappers = app.extensions[_EXTENSION]["wrappers"]
    for name, args, delay in pending:
        try:
            if delay:
                wrappers[name].schedule(args=tuple(args), delay=delay)
            else:
                huey.enqueue(wrappers[name].s(*args))
        except Exception as exc:  # the queue's storage is down: what must not be lost is swept back later
            log.error("task %s could not be queued: %s", name, type(exc).__name__)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint released, not the commit
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    if not has_app_context():
        log.error("%d task(s) committed outside an application context were not queued", len(pending))
        return
    _put(current_app._get_current_object(), pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction):
    if previous_transaction.parent is not None:
        return  # a savepoint rolled back: the transaction and what it will enqueue go on
    session.info.pop(_PENDING, None)


# -- failures: the administrators' page and the command line -----------------------------------------------


def failures_query():
    return sa.select(TaskFailure).order_by(TaskFailure.failed_at.desc(), TaskFailure.id.desc())


def get_failure(failure_id: int) -> TaskFailure:
    failure = db.session.get(TaskFailure, failure_id)
    if failure is None:
        raise NotFound(_l("This failed task is no longer listed."))
    return failure


def retry_failure(failure: TaskFailure) -> None:
    """Run a failed task again, with its retries anew, once this transaction commits."""
    declared_task = _tasks.get(failure.name)
    if declared_task is None:
        raise NotFound(_l("This task no longer exists; discard it."))
    if declared_task.retried is not None:
        declared_task.retried(*failure.args)
    declared_task.enqueue(*failure.args)
    db.session.delete(failure)
    db.session.flush()


def discard_failure(failure: TaskFailure) -> None:
    """Forget a failed task (and what it kept for it: mail drops its message)."""
    declared_task = _tasks.get(failure.name)
    if declared_task is not None and declared_task.discarded is not None:
        declared_task.discarded(*failure.args)
    db.session.delete(failure)
    db.session.flush()
