"""The broker of a process: the live debate screens it serves subscribe to a debate's changes, and the events
backend (``consult.debates.events``) publishes each committed change to it; and the text in which a change
travels between processes.

A thread subscribes with :meth:`Broker.subscribe` (a :class:`queue.Queue`: the Flask route); a coroutine with
:meth:`Broker.subscribe_async`, from inside its event loop (an :class:`asyncio.Queue` of that loop: the ASGI
server's streams). Each queue is bounded: when its client is stuck, its oldest message is merged into the
newest (the newest version, the parts of both).

A flood of likes is paced here, once for all the screens of the process: a change of the question list alone
reaches the subscribers at most once per :attr:`Broker.questions_gap` seconds (the changes that come meanwhile
are held and merged into one); any other change goes at once and takes what is held with it. So a thousand
screens wake once a second for the likes, not once per like.

The streams of an event loop wait without a timer each: :meth:`Broker.subscribe_async` starts one clock per
loop that puts :data:`TICK` in each of its queues every few seconds, and a stream that waits for a message
at most some seconds takes the first tick after them as "nothing came" (``stream_async``). A thousand timers
set and cancelled at every change cost the loop as much as sending the change itself.
"""

from __future__ import annotations

import asyncio
import queue
import re
import threading
import time

_PART_NAME = re.compile(r"^[a-z_]+$")


#: what a loop's clock puts in its streams' queues (see the module's docstring); not a change
TICK = ("tick",)


def _merged(older, newer):
    """One message for two: the newest version, the parts of both; only ``newer`` when the two are of
    different debates that had the same id (different stamps: the older one's debate is gone)."""
    if older[1] != newer[1]:
        return newer
    return max(older[0], newer[0]), newer[1], tuple(sorted({*older[2], *newer[2]}))


def _put_merging(q, message) -> None:
    """Put ``message`` on ``q`` (a thread's or an event loop's queue). A full queue (a stuck client) takes
    its oldest message out and merges it into this one: the newest version, the parts of both, so that no
    part is ever left behind."""
    try:
        q.put_nowait(message)
    except (queue.Full, asyncio.QueueFull):
        try:
            oldest = q.get_nowait()
            if oldest is not TICK:
                message = _merged(oldest, message)
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

    def __init__(self, maxsize: int = 256, questions_gap: float = 0.0):
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[queue.Queue]] = {}
        self._async: dict[int, dict[asyncio.AbstractEventLoop, set[asyncio.Queue]]] = {}
        self.maxsize = maxsize
        #: seconds between two deliveries of a change of the question list alone (0: no pacing); set from
        #: ``DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS`` when a stream starts (``events.listen``)
        self.questions_gap = questions_gap
        self._held: dict[int, tuple] = {}  # debate -> the question changes held until their time
        self._questions_sent: dict[int, float] = {}  # debate -> when its question list last went out
        self._clocks: dict[asyncio.AbstractEventLoop, asyncio.TimerHandle] = {}  # loop -> its next tick

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

    def subscribe_async(self, debate_id: int, tick: float = 5.0) -> asyncio.Queue:
        """A queue of the running event loop that receives the debate's changes, and :data:`TICK` about
        every ``tick`` seconds (one clock per loop: its first subscriber sets the pace)."""
        loop = asyncio.get_running_loop()
        q: asyncio.Queue = asyncio.Queue(self.maxsize)
        with self._lock:
            self._async.setdefault(debate_id, {}).setdefault(loop, set()).add(q)
        if loop not in self._clocks:
            self._clocks[loop] = loop.call_later(tick, self._tick, loop, tick)
        return q

    def _tick(self, loop: asyncio.AbstractEventLoop, every: float) -> None:
        """Runs in ``loop``: a tick for each of its queues; the clock stops when the loop has none."""
        with self._lock:
            queues = [q for loops in self._async.values() for q in loops.get(loop, ())]
        for q in queues:
            if not q.full():
                q.put_nowait(TICK)
        if queues:
            self._clocks[loop] = loop.call_later(every, self._tick, loop, every)
        else:
            self._clocks.pop(loop, None)

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
        message = self._paced(debate_id, (version, stamp, tuple(parts)))
        if message is not None:
            self._deliver(debate_id, message)

    def _paced(self, debate_id: int, message):
        """The message to deliver now, or ``None`` when it is held (see the module's docstring)."""
        gap = self.questions_gap
        with self._lock:
            held = self._held.get(debate_id)
            now = time.monotonic()
            if gap > 0 and message[2] == ("questions",):
                if held is not None:  # a delivery is already due: this change goes with it
                    self._held[debate_id] = _merged(held, message)
                    return None
                due = self._questions_sent.get(debate_id, float("-inf")) + gap - now
                if due > 0:
                    self._held[debate_id] = message
                    timer = threading.Timer(due, self._release, (debate_id,))
                    timer.daemon = True
                    timer.start()
                    return None
            elif held is not None:
                message = _merged(self._held.pop(debate_id), message)
            if "questions" in message[2]:
                self._questions_sent[debate_id] = now
                if len(self._questions_sent) > 1024:  # old debates
                    self._questions_sent = {debate_id: now}
            return message

    def _release(self, debate_id: int) -> None:
        with self._lock:
            message = self._held.pop(debate_id, None)
            if message is not None:
                self._questions_sent[debate_id] = time.monotonic()
        if message is not None:
            self._deliver(debate_id, message)

    def _deliver(self, debate_id: int, message) -> None:
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


