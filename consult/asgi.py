"""The ASGI application that ``make run`` serves (gunicorn with uvicorn workers: ``consult.gunicorn_conf``).

Why not threads alone: a live debate keeps one server-sent event stream open per phone, projector and
console, for as long as the screen is open. With a thread per stream, a thousand phones need a thousand
threads, and 64 phones took every thread of a 64-thread server: pages stopped answering. Here each worker
process runs one event loop (uvloop, httptools) that holds any number of streams as coroutines, and a bounded
pool of threads for everything else:

* **pages** (every request but the streams): the Flask application as it is, on ``WEB_THREADS`` threads per
  worker (``CONSULT_WEB_THREADS``, 16). A stream never takes one of them. The loop reads the request's body,
  a thread runs the app and hands back the whole answer, the loop sends it: one hop each way, and the thread
  never waits on the loop (a2wsgi's bridge made three round trips through the loop per page, each waiting
  for the loop to take the interpreter lock back from the page threads: with a thousand streams to feed,
  pages slowed down to a third). An answer over 1 MB or without a length (a file, a stream of CSV) goes
  chunk by chunk as the thread reads it. The WSGI environ is a2wsgi's.
* **streams**: a route whose view function has a ``native_stream`` attribute (today
  ``/debates/<id>/events``) is answered by that coroutine (``consult.debates.stream_async``). It runs the
  Flask route itself once, in one of ``STREAM_THREADS`` threads (``CONSULT_STREAM_THREADS``, 4), so every
  check of the route holds (Host, session, language, policy, headers), then keeps the response open on the
  loop; the drawings it sends are made once per change and language, in two threads of their own.

The same Flask application still serves everything through any WSGI server (``flask run``, the tests'
client and browser server): there the stream route keeps one thread per stream.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ
from werkzeug.exceptions import HTTPException

from consult import create_app


class _Closing:
    """An answer's iterator that closes the answer when done with (WSGI's ``close``)."""

    def __init__(self, iterable):
        self.iterable, self.iterator = iterable, iter(iterable)

    def __next__(self):
        return next(self.iterator)

    def close(self):
        getattr(self.iterable, "close", lambda: None)()


class Bridge:
    """The ASGI callable: streams on the loop, everything else to the Flask app on a bounded thread pool."""

    def __init__(self, flask_app, *, threads: int, stream_threads: int):
        self.flask = flask_app
        self.page_threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pages")
        self.streams = ThreadPoolExecutor(max_workers=stream_threads, thread_name_prefix="streams")
        #: what the native handlers keep per application (closed when the server stops)
        self.extensions: dict = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] == "http" and scope["method"] == "GET":
            native = self._native(scope)
            if native is not None:
                handler, values = native
                return await handler(self, scope, receive, send, values)
        if scope["type"] == "http":
            return await self.page(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})

    def _native(self, scope):
        """The coroutine that answers this request itself, and the URL's values; None for a page."""
        root = scope.get("root_path", "")
        path = scope["path"][len(root):] if root and scope["path"].startswith(root) else scope["path"]
        try:
            endpoint, values = self.flask.url_map.bind("localhost", script_name=root or "/").match(
                path, method="GET")
        except HTTPException:  # not found, another method, a redirect: the Flask app answers
            return None
        handler = getattr(self.flask.view_functions.get(endpoint), "native_stream", None)
        return None if handler is None else (handler, values)

    async def page(self, scope, receive, send):
        """A page (see the module's docstring)."""
        body = await self._request_body(scope, receive)
        environ = build_environ(scope, io.BytesIO(body))
        loop = asyncio.get_running_loop()
        status, headers, first, rest = await loop.run_in_executor(self.page_threads, self._answer, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if rest is None:
            await send({"type": "http.response.body", "body": first, "more_body": False})
            return
        try:
            await send({"type": "http.response.body", "body": first, "more_body": True})
            while (chunk := await loop.run_in_executor(self.page_threads, next, rest, None)) is not None:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await loop.run_in_executor(self.page_threads, getattr(rest, "close", lambda: None))

    async def _request_body(self, scope, receive) -> bytes:
        """The request's body, read on the loop: at most one byte more than ``MAX_CONTENT_LENGTH`` (the app
        then answers 413), nothing when the declared length is over it already."""
        limit = self.flask.config.get("MAX_CONTENT_LENGTH")
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if limit is not None and declared is not None and declared.isdigit() and int(declared) > limit:
            return b""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if not message.get("more_body") or (limit is not None and size > limit):
                break
        return b"".join(chunks)

    def _answer(self, environ):
        """In a page thread: ``(status, headers, body, None)``, or the first bytes and the rest still to read
        (an iterator) for an answer over 1 MB or of unknown length."""
        answer: dict = {}

        def start_response(status, headers, _exc_info=None):
            answer["status"], answer["headers"] = int(status.split(" ", 1)[0]), headers
            return answer.setdefault("written", []).append

        iterable = self.flask(environ, start_response)
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                   for name, value in answer["headers"]]
        length = dict(headers).get(b"content-length", b"")
        if length.isdigit() and int(length) <= 1024 * 1024:
            try:
                return answer["status"], headers, b"".join([*answer.get("written", []), *iterable]), None
            finally:
                getattr(iterable, "close", lambda: None)()
        return answer["status"], headers, b"".join(answer.get("written", [])), _Closing(iterable)

    async def call_flask(self, scope, extra_environ: dict):
        """Run the Flask app on this request in a stream thread: ``(status, ASGI headers, body)``. The body
        is read whole (a refusal, or the empty body of a route that handed its stream over)."""
        environ = build_environ(scope, io.BytesIO())
        environ.update(extra_environ)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.streams, self._call, environ)

    def _call(self, environ):
        answer: dict = {}

        def start_response(status, headers, _exc_info=None):
            answer["status"], answer["headers"] = int(status.split(" ", 1)[0]), headers
            return answer.setdefault("written", []).append

        iterable = self.flask(environ, start_response)
        try:
            body = b"".join([*answer.get("written", []), *iterable])
        finally:
            getattr(iterable, "close", lambda: None)()
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                   for name, value in answer["headers"]]
        return answer["status"], headers, body

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.streams.shutdown(wait=False, cancel_futures=True)
                self.page_threads.shutdown(wait=False, cancel_futures=True)
                for extension in self.extensions.values():
                    extension.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_asgi(flask_app=None):
    """The application for an ASGI server: ``gunicorn -c python:consult.gunicorn_conf`` names
    ``consult.asgi:create_asgi()``."""
    flask_app = flask_app if flask_app is not None else create_app()
    return Bridge(flask_app, threads=int(flask_app.config.get("WEB_THREADS") or 16),
                  stream_threads=int(flask_app.config.get("STREAM_THREADS") or 4))
