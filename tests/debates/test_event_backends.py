"""The pieces of the live events: the broker's event-loop subscribers, the stream's protocol (what it sends,
whatever drives it), and the Unix-socket and Redis backends that carry a change to the other processes."""

from __future__ import annotations

import asyncio
import os
import queue
import socket
import threading
import time
from pathlib import Path

import pytest

from consult.debates import event_backends, events, stream
from consult.debates.broker import Broker, parse_payload
from tests.helpers import run_coroutine

# -- the broker -------------------------------------------------------------------------------------------


def test_a_change_published_from_a_thread_reaches_every_coroutine_of_a_loop():
    broker = Broker()

    async def main():
        queues = [broker.subscribe_async(7) for _ in range(3)]
        other = broker.subscribe_async(8)
        assert broker.count(7) == 3
        publisher = threading.Thread(target=broker.publish, args=(7, 4, ["status"], 99))
        publisher.start()
        publisher.join()
        got = [await asyncio.wait_for(q.get(), 5) for q in queues]
        assert got == [(4, 99, ("status",))] * 3 and other.empty()
        for q in queues:
            broker.unsubscribe_async(7, q)
        broker.unsubscribe_async(8, other)
        assert broker.count() == 0

    run_coroutine(main())


def test_a_stuck_coroutine_keeps_every_part_of_what_its_full_queue_could_not_hold():
    broker = Broker(maxsize=2)

    async def main():
        q = broker.subscribe_async(1)
        broker.publish(1, 1, ["speakers"])  # the moderator's change, then a flood of likes
        for version in range(2, 6):
            broker.publish(1, version, ["questions"])
        await asyncio.sleep(0.05)  # the loop runs the fan-out
        held = [q.get_nowait() for _ in range(2)]
        assert [m[0] for m in held] == [4, 5]
        assert {part for m in held for part in m[2]} == {"speakers", "questions"}
        broker.unsubscribe_async(1, q)

    run_coroutine(main())


def test_a_stuck_thread_keeps_every_part_too():
    broker = Broker(maxsize=2)
    q = broker.subscribe(1)
    broker.publish(1, 1, ["status"])
    broker.publish(1, 2, ["questions"])
    broker.publish(1, 3, ["questions"])
    held = [q.get_nowait() for _ in range(2)]
    assert held[-1] == (3, 0, ("questions", "status"))
    broker.unsubscribe(1, q)


def test_a_flood_of_likes_reaches_the_screens_once_per_gap():
    """Changes of the question list alone are held and merged until the gap has passed since the list last
    went out; any other change goes at once and takes them with it."""
    broker = Broker(questions_gap=0.3)
    q = broker.subscribe(1)
    broker.publish(1, 1, ["questions"])
    assert q.get_nowait() == (1, 0, ("questions",))  # the first goes at once
    for version in (2, 3, 4):
        broker.publish(1, version, ["questions"])
    assert q.empty()
    assert q.get(timeout=2) == (4, 0, ("questions",))  # one message for three likes, after the gap
    broker.publish(1, 5, ["questions"])
    broker.publish(1, 6, ["speakers"])  # the moderator's action goes at once, with the held like
    assert q.get_nowait() == (6, 0, ("questions", "speakers"))
    time.sleep(0.4)
    assert q.empty()  # nothing left to release
    broker.unsubscribe(1, q)


def test_another_debate_s_likes_are_paced_apart():
    broker = Broker(questions_gap=5)
    q1, q2 = broker.subscribe(1), broker.subscribe(2)
    broker.publish(1, 1, ["questions"])
    broker.publish(2, 1, ["questions"])
    assert q1.get_nowait() == (1, 0, ("questions",)) and q2.get_nowait() == (1, 0, ("questions",))


def test_a_part_name_from_another_process_is_letters_only():
    with pytest.raises(ValueError):
        parse_payload("1:2:3:status,<script>")


# -- the protocol --------------------------------------------------------------------------------------------


SETTINGS = stream.Settings(heartbeat=10, lifetime=60, retry_ms=3000)


def _drawing(version):
    return version, {part: f"{part} at {version}" for part in stream.PARTS if part != "phase"} | {
        "phase": "live"}


class Driver:
    """Runs the protocol with scripted messages; drawings are made at the version asked for."""

    def __init__(self, current_version, last_event_id):
        self.steps = stream.protocol("public", last_event_id, SETTINGS)
        self.current = current_version
        self.sent = []
        self.drawn = []
        self._advance(None)

    def _advance(self, answer):
        while True:
            step = self.steps.send(answer)
            answer = None
            if isinstance(step, stream.Send):
                self.sent.append(step.text)
            elif isinstance(step, stream.Draw):
                version = self.current if step.expected is None else max(step.expected[0], self.current)
                self.drawn.append(step.expected)
                answer = _drawing(version)
            elif step.seconds > 0:
                return  # waits for the next message: hear() answers it

    def hear(self, version, parts):
        self.current = max(self.current, version)
        self._advance((version, 1, tuple(parts)))


def test_a_page_drawn_at_the_current_version_gets_nothing_until_a_change():
    phone = Driver(current_version=5, last_event_id="5")
    assert phone.sent == ["retry: 3000\n\n", ": up to date\n\n"]
    phone.hear(6, ["speakers"])
    assert phone.sent[-1] == "id: 6\nevent: speakers\ndata: speakers at 6\n\n"


def test_a_reconnection_after_missed_changes_gets_every_part_at_once():
    phone = Driver(current_version=9, last_event_id="5")
    sent = "".join(phone.sent)
    assert all(f"event: {part}\n" in sent for part in stream.PARTS)
    assert sent.count("id: ") == 1 and "id: 9\nevent: phase" in sent
    phone.hear(8, ["status"])  # heard after the drawing at 9: already shown
    assert phone.sent[-1].startswith("id: 9")


def test_a_change_heard_late_is_still_sent_drawn_at_the_version_already_shown():
    """Another process's change (version 7) may arrive after a newer one (version 8): its parts still go."""
    phone = Driver(current_version=6, last_event_id="6")
    phone.hear(8, ["speakers"])
    phone.hear(7, ["questions"])
    assert phone.sent[-2:] == ["id: 8\nevent: speakers\ndata: speakers at 8\n\n",
                               "id: 8\nevent: questions\ndata: questions at 8\n\n"]
    assert phone.drawn[-1] == (8, 1)
    sent = len(phone.sent)
    phone.hear(10, ["questions"])
    phone.hear(9, ["questions"])  # late, and the list shown (at 10) already holds it: nothing is sent again
    assert len(phone.sent) == sent + 1 and phone.sent[-1].startswith("id: 10\nevent: questions")


# -- the Unix socket backend ---------------------------------------------------------------------------------


def test_the_socket_folder_is_in_the_instance_unless_its_path_is_too_long(tmp_path):
    assert event_backends.socket_folder(str(tmp_path)) == tmp_path / "events"
    deep = tmp_path / ("x" * 120)
    folder = event_backends.socket_folder(str(deep))
    assert folder.name.startswith("consult-events-") and len(str(folder)) < 90
    assert event_backends.socket_folder(str(deep)) == folder  # every process finds the same folder


def _peer(folder: Path, name: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(folder / name))
    sock.settimeout(5)
    return sock


def test_a_committed_change_is_sent_to_every_other_process_and_a_dead_one_is_forgotten(tmp_path):
    folder = tmp_path / "events"
    backend = event_backends.UnixSocketBackend(folder)
    backend.listen()
    assert (folder / f"{os.getpid()}.sock").exists()
    peer = _peer(folder, "4000001.sock")
    gone = _peer(folder, "4000002.sock")
    gone.close()  # its file stays: a process killed without cleaning up
    subscription = events.broker.subscribe(31)
    try:
        backend.committed([(31, 4, ("speakers",), 77), (31, 5, ("status",), 77)])
        assert subscription.get(timeout=1) == (4, 77, ("speakers",))  # this process: at once, each
        assert subscription.get(timeout=1) == (5, 77, ("status",))
        origin, payload = peer.recv(4096).decode().split(" ", 1)
        assert origin == event_backends.origin()
        # the burst went as one message: the newest version, every part
        assert parse_payload(payload) == (31, 5, ("speakers", "status"), 77)
        deadline = time.monotonic() + 5
        while (folder / "4000002.sock").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not (folder / "4000002.sock").exists()
        with pytest.raises(queue.Empty):
            subscription.get(timeout=0.2)  # its own message is not heard a second time
    finally:
        events.broker.unsubscribe(31, subscription)
        peer.close()


def test_many_changes_at_once_go_in_datagrams_a_socket_takes():
    lines = "\n".join(f"origin {n}:1:0:questions" for n in range(5000))
    datagrams = list(event_backends._datagrams(lines, size=1000))
    assert len(datagrams) > 50 and all(len(d) <= 1000 for d in datagrams)
    assert b"\n".join(datagrams).decode() == lines


def test_a_change_from_another_process_reaches_this_process_s_streams(tmp_path):
    folder = tmp_path / "events"
    backend = event_backends.UnixSocketBackend(folder)
    backend.listen()
    subscription = events.broker.subscribe(32)
    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sender.sendto(b"someone-else 32:9:5:questions\nsomeone-else not a change\n"
                      + f"{event_backends.origin()} 32:10:5:status".encode(),
                      str(folder / f"{os.getpid()}.sock"))
        assert subscription.get(timeout=5) == (9, 5, ("questions",))
        with pytest.raises(queue.Empty):
            subscription.get(timeout=0.3)  # the malformed line and this process's own line are left out
    finally:
        events.broker.unsubscribe(32, subscription)
        sender.close()


def test_the_backend_follows_the_configuration(app, tmp_path):
    from consult.debates.event_redis import RedisBackend

    config = dict(app.config)
    try:
        app.config.update(DEBATES_EVENTS_BACKEND=None, REDIS_URL="redis://127.0.0.1:1/0")
        assert isinstance(events.choose(app), RedisBackend)
        app.config.update(REDIS_URL=None, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@h/d")
        assert isinstance(events.choose(app), event_backends.PostgresBackend)
        app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite3")
        assert isinstance(events.choose(app), event_backends.UnixSocketBackend)
        app.config.update(DEBATES_EVENTS_BACKEND="process")
        assert type(events.choose(app)) is event_backends.ProcessBackend
    finally:
        app.config.clear()
        app.config.update(config)


# -- the streams of an event loop wait without a timer each -------------------------------------------------


def test_a_loop_s_streams_take_the_time_from_one_clock():
    """A stream that waits at most some seconds hears nothing until the first tick after them, a change at
    once; a tick is never taken for a change; the clock stops with the loop's last stream."""
    from consult.debates import stream_async
    from consult.debates.broker import TICK

    broker = Broker()

    async def main():
        loop = asyncio.get_running_loop()
        q = broker.subscribe_async(1, tick=0.05)
        other = broker.subscribe_async(2, tick=10)  # the loop's first subscriber set the pace
        started = loop.time()
        assert await stream_async._get(q, 0.12) is None
        waited = loop.time() - started
        assert 0.1 <= waited < 0.5
        loop.call_later(0.02, broker.publish, 1, 7, ["speakers"])
        started = loop.time()
        assert await stream_async._get(q, 5) == (7, 0, ("speakers",))
        assert loop.time() - started < 1
        await asyncio.sleep(0.06)
        assert TICK in [other.get_nowait() for _ in range(other.qsize())]  # the other debate's too
        while not q.empty():
            assert q.get_nowait() is TICK
        q.put_nowait(TICK)
        assert await stream_async._get(q, 0) is None
        broker.unsubscribe_async(1, q)
        broker.unsubscribe_async(2, other)
        await asyncio.sleep(0.12)
        assert loop not in broker._clocks

    run_coroutine(main())


def test_a_full_queue_drops_a_tick_before_merging_changes():
    from consult.debates.broker import TICK

    broker = Broker(maxsize=2)
    q = broker.subscribe(1)
    q.put_nowait(TICK)
    broker.publish(1, 1, ["status"])
    broker.publish(1, 2, ["speakers"])  # full: the tick goes, the changes stay apart
    assert [q.get_nowait(), q.get_nowait()] == [(1, 0, ("status",)), (2, 0, ("speakers",))]
