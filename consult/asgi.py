"""The ASGI application that ``make run`` serves (gunicorn with uvicorn workers: ``consult.gunicorn_conf``).

Why not threads alone: a live debate keeps one server-sent event stream open per phone, projector and
console, for as long as the screen is open. With a thread per stream, a thousand phones need a thousand
threads, and 64 phones took every thread of a 64-thread server: pages stopped answering. Here each worker
process runs one event loop (uvloop, httptools) that holds any number of streams as coroutines, and a bounded
pool of threads for everything else:

* **pages** (every request but the streams): the Flask application as it is, through a2wsgi's
  ``WSGIMiddleware``, on ``WEB_THREADS`` threads per worker (``CONSULT_WEB_THREADS``, 16). A stream never
  takes one of them.
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

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from werkzeug.exceptions import HTTPException

from consult import create_app


class Bridge:
    """The ASGI callable: streams on the loop, everything else to the Flask app on a bounded thread pool."""

    def __init__(self, flask_app, *, threads: int, stream_threads: int):
        self.flask = flask_app
        self.pages = WSGIMiddleware(flask_app, workers=threads)
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
        return await self.pages(scope, receive, send)

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
