"""The broker of a process: the live debate screens it serves subscribe to a debate's changes, and the events
backend (``consult.debates.events``) publishes each committed change to it; and the text in which a change
travels between processes.

A thread subscribes with :meth:`Broker.subscribe` (a :class:`queue.Queue`: the Flask route); a coroutine with
:meth:`Broker.subscribe_async`, from inside its event loop (an :class:`asyncio.Queue` of that loop: the ASGI
server's streams). Each queue is bounded: when its client is stuck, its oldest message is merged into the
newest (the newest version, the parts of both).
"""

from __future__ import annotations

import asyncio
import queue
import re
import threading

_PART_NAME = re.compile(r"^[a-z_]+$")


def _put_merging(q, message) -> None:
    """Put ``message`` on ``q`` (a thread's or an event loop's queue). A full queue (a stuck client) takes
    its oldest message out and merges it into this one: the newest version, the parts of both, so that no
    part is ever left behind."""
    try:
        q.put_nowait(message)
    except (queue.Full, asyncio.QueueFull):
        try:
            version, _stamp, parts = q.get_nowait()
            message = (max(version, message[0]), message[1], tuple(sorted({*parts, *message[2]})))
        except (queue.Empty, asyncio.QueueEmpty):
            pass
        try:
            q.put_nowait(message)
        except (queue.Full, asyncio.QueueFull):  # pragma: no cover - another thread filled it again
            pass


def _fan_out(queues, message) -> None:
    """Runs in an event loop: hand ``message`` to that loop's subscribers."""
    for q in queues:
        _put_merging(q, message)


class Broker:
    """In-process publish/subscribe: one bounded queue per subscriber, keyed by debate.

    A thread subscribes with :meth:`subscribe` (a :class:`queue.Queue`); a coroutine with
    :meth:`subscribe_async`, from inside its event loop (an :class:`asyncio.Queue` of that loop). A message
    reaches a loop's subscribers through one ``call_soon_threadsafe`` per loop, whatever their number."""

    def __init__(self, maxsize: int = 256):
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[queue.Queue]] = {}
        self._async: dict[int, dict[asyncio.AbstractEventLoop, set[asyncio.Queue]]] = {}
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

    def subscribe_async(self, debate_id: int) -> asyncio.Queue:
        """A queue of the running event loop that receives the debate's changes."""
        loop = asyncio.get_running_loop()
        q: asyncio.Queue = asyncio.Queue(self.maxsize)
        with self._lock:
            self._async.setdefault(debate_id, {}).setdefault(loop, set()).add(q)
        return q

    def unsubscribe_async(self, debate_id: int, q: asyncio.Queue) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            loops = self._async.get(debate_id)
            if loops is None or loop not in loops:
                return
            loops[loop].discard(q)
            if not loops[loop]:
                del loops[loop]
            if not loops:
                del self._async[debate_id]

    def count(self, debate_id: int | None = None) -> int:
        with self._lock:
            if debate_id is not None:
                return (len(self._subscribers.get(debate_id, ()))
                        + sum(len(s) for s in self._async.get(debate_id, {}).values()))
            return (sum(len(s) for s in self._subscribers.values())
                    + sum(len(s) for loops in self._async.values() for s in loops.values()))

    def publish(self, debate_id: int, version: int, parts, stamp: int = 0) -> None:
        """Give the change to every subscriber; a full queue (a stuck client) merges its oldest message into
        this one.

        A message is ``(version, stamp, parts)``; ``stamp`` tells two debates with the same id apart (the
        debate's creation time in microseconds), so a rendering cache never mixes them up."""
        message = (version, stamp, tuple(parts))
        with self._lock:
            targets = list(self._subscribers.get(debate_id, ()))
            loops = [(loop, tuple(qs)) for loop, qs in self._async.get(debate_id, {}).items()]
        for q in targets:
            _put_merging(q, message)
        for loop, queues in loops:
            try:
                loop.call_soon_threadsafe(_fan_out, queues, message)
            except RuntimeError:  # that loop is closed (its server is stopping)
                pass


broker = Broker()


# -- the wire format between processes -----------------------------------------------------------------------


def format_payload(debate_id: int, version: int, parts, stamp: int) -> str:
    """``"<debate id>:<version>:<stamp>:<part,part>"``: what other processes hear of a change."""
    return f"{debate_id}:{version}:{stamp}:{','.join(sorted(set(parts)))}"


def parse_payload(payload: str):
    """``"<debate id>:<version>:<stamp>:<part,part>"`` → the arguments of :meth:`Broker.publish`; a part
    name is letters and ``_`` only (ValueError otherwise)."""
    debate_id, version, stamp, parts = payload.split(":", 3)
    names = tuple(p for p in parts.split(",") if p)
    if not all(_PART_NAME.match(name) for name in names):
        raise ValueError("not a part name")
    return int(debate_id), int(version), names, int(stamp)


