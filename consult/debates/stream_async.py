"""Debate event streams held by an event loop: how the ASGI server (``consult.asgi``, ``make run``) serves
``/debates/<id>/events`` without a thread per screen.

A thousand phones watching a debate are a thousand open responses that wait. Here each one is a coroutine
awaiting an :class:`asyncio.Queue` of the process's broker (``consult.debates.broker``), a few kilobytes,
instead of a thread; the server's threads stay free for pages. What a stream sends is
``consult.debates.stream.protocol``, the same generator the Flask route drives in a thread (catch-up from
``Last-Event-ID``, heartbeats, lifetime, the coalescing of question floods); only the driver differs.

1. The stream subscribes to the debate first (so no change between reading the version and subscribing is
   lost), then runs the Flask route itself in one of the stream threads (``consult.asgi``'s ``Bridge``): the
   Host check, the session, the language, the policy, the security headers are the route's. Seeing the
   environ key :data:`ENVIRON_KEY`, the route hands back a :class:`Ticket` (what the stream needs, with its
   first drawing) instead of a generator; a refusal (404, 403, 400) is sent as the route answered it.
2. The loop then drives the protocol: the broker's messages come from its queue; a drawing at a version is
   made once per process, language and view whatever the number of streams waiting for it, in a drawing
   thread with an application and request context of its own (``Drawings``), through the cache region
   ``stream.RENDERINGS`` (so never on the loop, and once per change and language in each process, or once
   in all with Redis).
3. A client that goes away is noticed at once (``http.disconnect``): its stream ends and unsubscribes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask_babel import force_locale

from consult.debates import stream
from consult.debates.broker import TICK, broker

log = logging.getLogger(__name__)

#: the environ key the ASGI server sets on a stream's request: the route puts its :class:`Ticket` there
ENVIRON_KEY = "consult.native_stream"


@dataclass
class Ticket:
    """What the route hands to the loop: the stream to serve, and its first drawing (made in the route's
    thread, after the subscription)."""

    debate_id: int
    view: str
    last_event_id: str | None
    locale: str
    url_root: str
    settings: stream.Settings
    stamp: int | None = None  # the debate's (``events.stamp_of``)
    first: tuple[int, dict[str, str]] | None = None


class Drawings:
    """The drawings being made in one process: every stream that waits for the same one awaits one future.
    They are made in two threads of their own, so that a crowd of phones connecting (their routes run in the
    stream threads) never delays the next change on the screens already open."""

    def __init__(self, app):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="drawings")
        self._pending: dict[tuple, asyncio.Future] = {}

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _draw(self, ticket: Ticket, expected):
        path = f"/debates/{ticket.debate_id}/events"
        with self.app.test_request_context(path, base_url=ticket.url_root), force_locale(ticket.locale):
            return stream._render(ticket.debate_id, ticket.view, expected)

    async def draw(self, ticket: Ticket, expected):
        loop = asyncio.get_running_loop()
        if expected is None:  # the current version: read by each stream after its own subscription
            return await loop.run_in_executor(self.executor, self._draw, ticket, None)
        key = (ticket.debate_id, ticket.view, ticket.locale, expected)
        future = self._pending.get(key)
        if future is None:
            future = self._pending[key] = loop.run_in_executor(self.executor, self._draw, ticket, expected)
            future.add_done_callback(lambda _done: self._pending.pop(key, None))
        return await asyncio.shield(future)  # a stream that ends does not cancel the others' drawing


@functools.lru_cache(maxsize=64)
def _encoded(texts: tuple[str, ...]) -> bytes:
    """What a stream writes at once: the streams woken by one change write the same bytes, made once."""
    return "".join(texts).encode()


#: bytes a stream's socket holds for a phone that reads slowly (Linux doubles it)
SEND_BUFFER = 64 * 1024


def _small_send_buffer(send) -> None:
    """Keep what the kernel holds for a slow phone small. By default it grows to megabytes: minutes of
    question lists queued ahead of the moderator's next change. Small, the stream's writes wait instead, and
    while they wait its changes merge in its queue: the phone then gets the newest state at once. (The
    socket is reached through the server's connection, when it shows one: uvicorn's does.)"""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        except OSError:  # not a socket that takes it: the default stays
            pass


async def _get(subscription: asyncio.Queue, seconds: float):
    """The next change of the broker, or ``None`` when none came in about ``seconds``: the loop's clock
    (``broker.TICK``) tells the time, so a waiting stream sets no timer of its own. A tick that comes before
    the time is up is passed over (a wait ends on the first tick after it: up to one tick late)."""
    if seconds <= 0:
        try:
            message = subscription.get_nowait()
        except asyncio.QueueEmpty:
            return None
        return None if message is TICK else message
    until = asyncio.get_running_loop().time() + seconds * 0.9
    while True:
        message = await subscription.get()
        if message is not TICK:
            return message
        if asyncio.get_running_loop().time() >= until:
            return None


async def _watch(receive, task: asyncio.Task, gone: list) -> None:
    """End the stream as soon as its client goes away."""
    while (await receive())["type"] != "http.disconnect":
        pass
    gone.append(True)
    task.cancel()


async def _drive(ticket: Ticket, subscription: asyncio.Queue, drawings: Drawings, send) -> None:
    steps = stream.protocol(ticket.view, ticket.last_event_id, ticket.settings, ticket.stamp)
    out: list[str] = []
    answer = None
    while True:
        try:
            step = steps.send(answer)
        except StopIteration:
            break
        answer = None
        if isinstance(step, stream.Send):
            out.append(step.text)
            continue
        if isinstance(step, stream.Draw) and step.expected is None and ticket.first is not None:
            answer, ticket.first = ticket.first, None  # drawn by the route, after the subscription
            continue
        if out:  # what the protocol said until it waits goes out in one write
            await send({"type": "http.response.body", "body": _encoded(tuple(out)), "more_body": True})
            out = []
        if isinstance(step, stream.Wait):
            answer = await _get(subscription, step.seconds)
        else:
            answer = await drawings.draw(ticket, step.expected)
    await send({"type": "http.response.body", "body": _encoded(tuple(out)), "more_body": False})


async def serve(bridge, scope, receive, send, values) -> None:
    """The ASGI answer to ``GET /debates/<id>/events`` (``bridge``: ``consult.asgi.Bridge``)."""
    debate_id = values["debate_id"]
    # ticks at a third of the heartbeat: a heartbeat goes out between one and one and a third of it
    heartbeat = stream.Settings.of(bridge.flask.config).heartbeat
    subscription = broker.subscribe_async(debate_id, tick=heartbeat / 3)
    try:
        holder: dict = {}
        status, headers, body = await bridge.call_flask(scope, {ENVIRON_KEY: holder})
        ticket = holder.get("ticket")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if ticket is None or status != 200:
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        _small_send_buffer(send)
        drawings = bridge.extensions.get("debate_drawings")
        if drawings is None:
            drawings = bridge.extensions["debate_drawings"] = Drawings(bridge.flask)
        task = asyncio.current_task()
        gone: list = []
        watcher = asyncio.get_running_loop().create_task(_watch(receive, task, gone))
        try:
            await _drive(ticket, subscription, drawings, send)
        except asyncio.CancelledError:
            if not gone:
                raise  # the server is stopping
            task.uncancel()  # the client went away: the stream simply ends
        finally:
            watcher.cancel()
    finally:
        broker.unsubscribe_async(debate_id, subscription)
