"""The ASGI application (``consult.asgi``) driven in this process: pages go to the Flask app on its thread
pool, a debate's event stream is held by the event loop and sends what the Flask route sends."""

from __future__ import annotations

import asyncio

import pytest

from consult.asgi import create_asgi
from consult.debates import services as s
from consult.debates.broker import broker
from consult.debates.models import Debate
from tests.debates.test_views import parse, read_events
from tests.helpers import run_coroutine

#: the app runs each request in a thread of its pool: the test's writes must be committed for it to see them
pytestmark = pytest.mark.committed_db


@pytest.fixture
def bridge(app):
    bridge = create_asgi(app)
    yield bridge
    bridge.streams.shutdown(wait=True)
    bridge.page_threads.shutdown(wait=True)
    for extension in bridge.extensions.values():
        extension.close()


@pytest.fixture
def live(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    s.start_debate(debate, mod)
    db.session.commit()
    return debate, mod


class Call:
    """One request to the ASGI app, as a server would make it; what the app sends is kept in ``sent``."""

    def __init__(self, bridge, path: str, query: str = "", host: str = "localhost", headers=(), method="GET",
                 body: bytes = b""):
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.sent: asyncio.Queue = asyncio.Queue()
        for start in range(0, max(len(body), 1), 4096):  # the body in pieces, as a server hands it over
            self.inbox.put_nowait({"type": "http.request", "body": body[start:start + 4096],
                                   "more_body": start + 4096 < len(body)})
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
                 "query_string": query.encode(), "client": ("127.0.0.1", 40000),
                 "server": ("127.0.0.1", 80),
                 "headers": [(b"host", host.encode()), *((k.encode(), v.encode()) for k, v in headers)]}
        self.task = asyncio.ensure_future(bridge(scope, self.inbox.get, self.sent.put))

    async def start(self) -> dict:
        message = await asyncio.wait_for(self.sent.get(), 10)
        assert message["type"] == "http.response.start"
        return message

    async def body(self) -> bytes:
        message = await asyncio.wait_for(self.sent.get(), 10)
        return message["body"]

    async def whole_body(self) -> bytes:
        chunks = []
        while True:
            message = await asyncio.wait_for(self.sent.get(), 10)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    async def hang_up(self) -> None:
        self.inbox.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 10)


def _run(coroutine):
    return run_coroutine(coroutine)


def test_a_page_is_answered_by_the_flask_app(bridge, db):
    async def main():
        call = Call(bridge, "/privacy")
        start = await call.start()
        assert start["status"] == 200 and (b"content-security-policy" in dict(start["headers"]))
        assert b"</html>" in await call.whole_body()

    _run(main())


def test_a_form_is_read_on_the_loop_and_answered_by_the_app(app, bridge, db):
    body = b"username=nobody&password=wrong&csrf_token=not-a-token"

    async def main():
        call = Call(bridge, "/sign-in", method="POST", body=body, headers=[
            ("content-type", "application/x-www-form-urlencoded"), ("content-length", str(len(body)))])
        start = await call.start()
        await call.whole_body()
        return start["status"]

    assert _run(main()) == 400  # the CSRF check read the form: the whole body reached the app

    too_big = app.config["MAX_CONTENT_LENGTH"] + 1

    async def oversized():
        call = Call(bridge, "/sign-in", method="POST", body=b"x" * 10, headers=[
            ("content-type", "application/x-www-form-urlencoded"), ("content-length", str(too_big))])
        start = await call.start()
        await call.whole_body()
        return start["status"]

    assert _run(oversized()) == 413


def test_an_answer_without_a_length_goes_chunk_by_chunk():
    from flask import Flask, Response

    from consult.asgi import Bridge

    closed = []
    mini = Flask("mini")

    @mini.route("/export.csv")
    def export():
        def rows():
            try:
                for n in range(3):
                    yield f"row {n}\n"
            finally:
                closed.append(True)

        return Response(rows(), mimetype="text/csv")

    bridge = Bridge(mini, threads=2, stream_threads=1)

    async def main():
        call = Call(bridge, "/export.csv")
        start = await call.start()
        messages = []
        while True:
            message = await asyncio.wait_for(call.sent.get(), 10)
            messages.append(message)
            if not message.get("more_body"):
                await asyncio.wait_for(call.task, 10)
                return start, messages

    start, messages = _run(main())
    assert start["status"] == 200 and b"content-length" not in dict(start["headers"])
    assert b"".join(m["body"] for m in messages) == b"row 0\nrow 1\nrow 2\n"
    assert len([m for m in messages if m["body"]]) == 3 and closed == [True]
    bridge.page_threads.shutdown(wait=True)


def test_a_stream_is_held_by_the_loop_and_sends_each_change(app, bridge, db, live):
    debate, mod = live
    version = db.session.get(Debate, debate.id).version
    already = broker.count(debate.id)  # a browser test's server may still hold a stream of a debate 1

    async def main():
        call = Call(bridge, f"/debates/{debate.id}/events", f"view=public&last_event_id={version}")
        start = await call.start()
        headers = dict(start["headers"])
        assert start["status"] == 200 and headers[b"content-type"].startswith(b"text/event-stream")
        assert headers[b"cache-control"] == b"no-cache, no-transform"
        assert await call.body() == b"retry: 3000\n\n: up to date\n\n"
        assert broker.count(debate.id) == already + 1

        def act():
            with app.app_context():
                s.add_speaker(db.session.get(Debate, debate.id), mod, "Amina")
                db.session.commit()
                return db.session.get(Debate, debate.id).version

        new_version = await asyncio.get_running_loop().run_in_executor(None, act)
        blocks = (await call.body()).decode().strip().split("\n\n")
        event = parse(blocks[-1])
        assert event["event"] == "speakers" and event["id"] == str(new_version) and "Amina" in event["data"]
        await call.hang_up()  # the client went away: the stream ends at once
        assert broker.count(debate.id) == already

    _run(main())


def test_the_loop_sends_the_same_parts_as_the_flask_route(app, bridge, client, db, live):
    debate, _mod = live
    french = {"Accept-Language": "fr"}
    response = client.get(f"/debates/{debate.id}/events?view=projector&last_event_id=0", headers=french,
                          buffered=False)
    by_thread = [parse(block) for block in read_events(iter(response.response), 5)][1:]
    response.close()

    async def main():
        call = Call(bridge, f"/debates/{debate.id}/events", "view=projector&last_event_id=0",
                    headers=[("accept-language", "fr")])
        await call.start()
        text = (await call.body()).decode()
        await call.hang_up()
        return [parse(block) for block in text.strip().split("\n\n")][1:]

    by_loop = _run(main())
    assert [e["event"] for e in by_loop] == ["status", "speakers", "question", "poll"]
    assert by_loop == by_thread


def test_a_refused_stream_is_answered_as_the_route_answers(bridge, db, live):
    debate, _mod = live
    already = broker.count(debate.id)  # a browser test's server may still hold a stream of a debate 1

    async def main():
        missing = Call(bridge, "/debates/999999/events")
        assert (await missing.start())["status"] == 404
        await missing.whole_body()
        other_host = Call(bridge, f"/debates/{debate.id}/events", host="evil.example")
        assert (await other_host.start())["status"] == 400
        await other_host.whole_body()
        assert broker.count(debate.id) == already

    _run(main())
