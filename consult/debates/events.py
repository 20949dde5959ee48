"""Event fan-out for live debate screens.

A change is announced as ``(debate_id, version, parts)`` once its transaction has committed (nothing is
announced for a rolled-back request). Subscribers are the server-sent event streams of this process; each has
its own thread-safe queue.

* Default (SQLite, one process): the session's ``after_commit`` hands pending changes to :data:`broker` (the
  commit of the transaction, not the release of a savepoint inside it).
* PostgreSQL: the change is sent with ``NOTIFY consult_debates`` inside the transaction (PostgreSQL delivers
  it only on commit), and one listener thread per process (``LISTEN``) feeds the local broker, so every server
  process hears every change.

Messages carry no HTML and no personal data, only which parts of the screen changed; each process renders the
fragments once per version and language (see ``consult.debates.stream``).
"""

from __future__ import annotations

import logging
import queue
import threading

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "consult_debates"
_PENDING = "consult_debate_events"


class Broker:
    """In-process publish/subscribe: one bounded queue per subscriber, keyed by debate."""

    def __init__(self, maxsize: int = 256):
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[queue.Queue]] = {}
        self.maxsize = maxsize

    def subscribe(self, debate_id: int) -> queue.Queue:
        q: queue.Queue = queue.Queue(self.maxsize)
        with self._lock:
            self._subscribers.setdefault(debate_id, set()).add(q)
        return q

    def unsubscribe(self, debate_id: int, q: queue.Queue) -> None:
        with self._lock:
            subs = self._subscribers.get(debate_id)
            if subs is not None:
                subs.discard(q)
                if not subs:
                    del self._subscribers[debate_id]

    def count(self, debate_id: int | None = None) -> int:
        with self._lock:
            if debate_id is not None:
                return len(self._subscribers.get(debate_id, ()))
            return sum(len(s) for s in self._subscribers.values())

    def publish(self, debate_id: int, version: int, parts, stamp: int = 0) -> None:
        """Give the change to every subscriber; a full queue (a stuck client) loses its oldest message.

        A message is ``(version, stamp, parts)``; ``stamp`` tells two debates with the same id apart (the
        debate's creation time in microseconds), so a rendering cache never mixes them up."""
        message = (version, stamp, tuple(parts))
        with self._lock:
            targets = list(self._subscribers.get(debate_id, ()))
        for q in targets:
            try:
                q.put_nowait(message)
            except queue.Full:
                try:
                    q.get_nowait()
                except queue.Empty:
                    pass
                try:
                    q.put_nowait(message)
                except queue.Full:  # pragma: no cover - another thread filled it again
                    pass


broker = Broker()


def stamp_of(debate) -> int:
    """The debate's creation time in microseconds: with the id and version, the key of one rendering."""
    return int(debate.created_at.timestamp() * 1_000_000) if debate.created_at else 0


def after_commit(session, debate, parts) -> None:
    """Remember a change of ``debate`` (at its current version); it is announced when ``session`` commits."""
    debate_id, version, stamp = debate.id, debate.version, stamp_of(debate)
    pending = session.info.setdefault(_PENDING, {})
    known_version, _stamp, known_parts = pending.get(debate_id, (0, stamp, set()))
    pending[debate_id] = (max(version, known_version), stamp, known_parts | set(parts))
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        payload = f"{debate_id}:{version}:{stamp}:{','.join(sorted(set(parts)))}"
        session.execute(sa.text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": payload})
        _listener.ensure_started(bind)


@event.listens_for(Session, "after_commit")
def _announce(session):
    if session.in_nested_transaction():
        # a savepoint released (a signal receiver's, a like's): not the commit. Screens woken now would draw
        # the database as it still is and take that drawing for this version (the end shown as "Live now")
        return
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    if _listener.active:
        return  # PostgreSQL delivers through LISTEN, to this process and the others
    for debate_id, (version, stamp, parts) in pending.items():
        broker.publish(debate_id, version, parts, stamp)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    # a savepoint rolled back: the transaction and its changes go on
    if previous_transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)


def parse_payload(payload: str):
    """``"<debate id>:<version>:<stamp>:<part,part>"`` → the arguments of :meth:`Broker.publish`."""
    debate_id, version, stamp, parts = payload.split(":", 3)
    return int(debate_id), int(version), tuple(p for p in parts.split(",") if p), int(stamp)


class _Listener:
    """One thread per process that LISTENs on PostgreSQL and feeds the local broker."""

    def __init__(self):
        self.active = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ensure_started(self, engine) -> None:
        if self.active:
            return
        with self._lock:
            if self.active:
                return
            if self._thread is not None and self._thread.is_alive():
                return  # started but not connected yet: it turns active once it listens (no second thread)
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            ready = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(url, ready), name="debates-listen",
                                            daemon=True)
            self._thread.start()
            ready.wait(5)
            self.active = ready.is_set()

    def _run(self, url: str, ready: threading.Event) -> None:
        import time

        import psycopg

        while True:
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    self.active = True
                    for note in conn.notifies():
                        try:
                            broker.publish(*parse_payload(note.payload))
                        except ValueError:
                            log.warning("ignored a malformed debate event")
            except Exception:  # the database went away: reconnect, keep the process alive
                self.active = False  # meanwhile this process's own changes reach its screens directly
                log.exception("debate event listener lost its connection; retrying")
                time.sleep(1)


_listener = _Listener()


def ensure_listening(engine) -> None:
    """Start the LISTEN thread before a stream subscribes, when the database is PostgreSQL."""
    if engine.dialect.name == "postgresql":
        _listener.ensure_started(engine)
