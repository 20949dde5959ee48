"""Event fan-out for live debate screens: one :class:`Broker` per process, fed by one backend per app.

A change is announced as ``(debate_id, version, parts)`` once its transaction has committed: never for a
rolled-back request, nor when a savepoint inside it is released. The request that commits hands it to the
app's **backend** (:func:`backend_of`), which delivers it at once to this process's broker
(``consult.debates.broker``), and to the brokers of the other server processes:

* ``unix`` (the default with SQLite, one host): Unix datagram sockets in ``instance/events/``, one per
  process that serves a stream (``consult.debates.event_backends``);
* ``postgresql`` (with PostgreSQL): ``NOTIFY consult_debates`` inside the transaction, which PostgreSQL
  delivers only on commit, and one ``LISTEN`` thread per process;
* ``redis`` (when ``REDIS_URL`` is set; several hosts): Redis pub/sub (``consult.debates.event_redis``);
* ``process``: this process only (``DEBATES_EVENTS_BACKEND = "process"``).

``DEBATES_EVENTS_BACKEND`` chooses one by name; by default Redis when ``REDIS_URL`` is set, else the
database's. Subscribers are the event streams of this process (a thread's or an event loop's queue).

Messages carry no HTML and no personal data, only which parts of the screen changed; each process renders the
fragments once per version and language (see ``consult.debates.stream``).
"""

from __future__ import annotations

from datetime import UTC

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.debates import event_backends
from consult.debates.broker import Broker, broker, format_payload, parse_payload

#: what the tests and the stream route use from here
__all__ = ["Broker", "after_commit", "backend_of", "broker", "listen", "parse_payload", "stamp_at",
           "stamp_of"]

_PENDING = "consult_debate_events"
_EXTENSION = "consult_debate_events"


def stamp_of(debate) -> int:
    """The debate's creation time in microseconds: with the id and version, the key of one rendering."""
    return stamp_at(debate.created_at)


def stamp_at(created_at) -> int:
    """:func:`stamp_of` from the creation time alone (naive UTC, as stored: the same number on every host,
    whatever its time zone)."""
    if not created_at:
        return 0
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return int(created_at.timestamp() * 1_000_000)


# -- announcing a change after its commit --------------------------------------------------------------------


def init_app(app) -> None:
    """Give ``app`` its backend (once; see the module's docstring)."""
    if _EXTENSION not in app.extensions:
        app.extensions[_EXTENSION] = choose(app)


def choose(app):
    """The backend named by ``DEBATES_EVENTS_BACKEND``, else Redis when ``REDIS_URL`` is set, else the
    database's (PostgreSQL, or Unix sockets beside SQLite)."""
    config = app.config
    name = config.get("DEBATES_EVENTS_BACKEND")
    url = config["SQLALCHEMY_DATABASE_URI"]
    if not name:
        name = ("redis" if config.get("REDIS_URL")
                else "postgresql" if url.startswith("postgresql") else "unix")
    if name == "redis":
        from consult.debates.event_redis import RedisBackend  # the redis package: only when it is used

        return RedisBackend(config["REDIS_URL"], config.get("DEBATES_EVENTS_CHANNEL") or "consult:debates")
    if name == "postgresql":
        return event_backends.PostgresBackend(url)
    if name == "unix":
        return event_backends.UnixSocketBackend(event_backends.socket_folder(app.instance_path))
    if name == "process":
        return event_backends.ProcessBackend()
    raise ValueError(f"DEBATES_EVENTS_BACKEND: unknown backend {name!r}")


def backend_of(app=None):
    """The events backend of ``app`` (the current one by default)."""
    app = app if app is not None else current_app._get_current_object()
    init_app(app)
    return app.extensions[_EXTENSION]


def listen() -> None:
    """Make sure this process hears the other processes' changes (before a stream subscribes), paced as
    configured (``DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS``: see ``broker``)."""
    broker.questions_gap = float(current_app.config.get("DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS", 1.0))
    backend_of().listen()


def after_commit(session, debate, parts) -> None:
    """Remember a change of ``debate`` (at its current version); it is announced when ``session`` commits."""
    debate_id, version, stamp = debate.id, debate.version, stamp_of(debate)
    pending = session.info.setdefault(_PENDING, {})
    known_version, _stamp, known_parts = pending.get(debate_id, (0, stamp, set()))
    pending[debate_id] = (max(version, known_version), stamp, known_parts | set(parts))
    backend = backend_of()
    session.info[_PENDING + ".backend"] = backend
    backend.record(session, format_payload(debate_id, version, parts, stamp))


@event.listens_for(Session, "after_commit")
def _announce(session):
    if session.in_nested_transaction():
        # a savepoint released (a signal receiver's, a like's): not the commit. Screens woken now would draw
        # the database as it still is and take that drawing for this version (the end shown as "Live now")
        return
    pending = session.info.pop(_PENDING, None)
    backend = session.info.pop(_PENDING + ".backend", None)
    if not pending or backend is None:
        return
    backend.committed([(debate_id, version, tuple(sorted(parts)), stamp)
                       for debate_id, (version, stamp, parts) in pending.items()])


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    # a savepoint rolled back: the transaction and its changes go on
    if previous_transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING + ".backend", None)
