"""gunicorn's settings for Consult: ``gunicorn -c python:consult.gunicorn_conf`` (``make run`` starts it
through ``consult.serve``; a command line's options win over these).

* ``wsgi_app``: the ASGI application ``consult.asgi:create_asgi()``, served by :class:`Worker` (uvicorn's
  gunicorn worker: an event loop per process, uvloop and httptools).
* ``workers``: ``WEB_CONCURRENCY`` or one per CPU core, at least 2 (2 on a 2-core machine). A worker is a
  process with its own event loop, which holds the live event streams, and ``WEB_THREADS`` threads
  (``CONSULT_WEB_THREADS``, 16) for pages: pages are Python work under one interpreter lock per process, so
  more processes than cores buys little, and more threads mostly wait on the database.
* each worker listens on its own socket (``SO_REUSEPORT``, on TCP addresses): connections are spread evenly
  over the workers (a server already on the port is refused first).
* ``worker_connections`` (``CONSULT_WORKER_CONNECTIONS``, 4096): the open connections one worker accepts,
  streams included; beyond it a worker answers 503 at once. The file-descriptor limit is raised to what the
  system allows (``ulimit -n``'s hard limit) when the server starts, since each connection is one.
* ``graceful_timeout`` 5 s: on stop, open streams get 4 s to end (the browsers reconnect to the next server).
"""

from __future__ import annotations

import os
import signal
import socket

from uvicorn_worker import UvicornWorker

from consult.serve import die_with_parent, raise_file_limit

wsgi_app = "consult.asgi:create_asgi()"
bind = ["127.0.0.1:5000"]
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1))
worker_class = "consult.gunicorn_conf.Worker"
worker_connections = int(os.environ.get("CONSULT_WORKER_CONNECTIONS") or 4096)
backlog = 2048
timeout = 30
graceful_timeout = 5
keepalive = 5
accesslog = "-"
#: the workers' heartbeat files in memory, not on a disk that may stall
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
#: gunicorn 27's control socket has one default path for every server of the user: none here
control_socket_disable = True


def _refuse_if_taken(host: str, port: int) -> None:
    """Stop here if something already listens on ``host:port``: with ``SO_REUSEPORT`` a second server would
    otherwise share the port with the first without a word."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise RuntimeError(f"cannot serve on {host}:{port}: {error.strerror}") from None


def on_starting(server):
    """gunicorn's hook in the master, before the workers exist (they inherit the limit).

    On TCP addresses each worker listens on a socket of its own (``SO_REUSEPORT``): the kernel then spreads
    new connections evenly over the workers, where one shared socket lets the worker that wakes first take a
    whole burst of phones (and fan every change out to most of them alone)."""
    limit = raise_file_limit()
    if limit < server.cfg.worker_connections + 64:
        server.log.warning("open-file limit %s is below worker_connections (%s): raise ulimit -n",
                           limit, server.cfg.worker_connections)
    addresses = server.cfg.address
    if hasattr(socket, "SO_REUSEPORT") and addresses and all(isinstance(a, tuple) for a in addresses):
        for host, port in addresses:
            _refuse_if_taken(host, port)
        server.cfg.set("reuse_port", True)


def post_fork(_server, _worker):
    """In each worker: stop with the master, even if the master is killed (Linux; elsewhere the worker
    notices within ``timeout / 2`` seconds, :meth:`Worker.callback_notify`)."""
    die_with_parent()


class Worker(UvicornWorker):
    """uvicorn's worker with: gunicorn's ``worker_connections`` as uvicorn's limit; open streams ended
    within ``graceful_timeout``; no ``Server:`` header; ``X-Forwarded-*`` left to the application, which
    trusts exactly ``CONSULT_PROXY_COUNT`` proxies (uvicorn would trust any client on 127.0.0.1)."""

    CONFIG_KWARGS = {"loop": "auto", "http": "auto"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config.limit_concurrency = self.cfg.worker_connections
        self.config.timeout_graceful_shutdown = max(1, int(self.cfg.graceful_timeout) - 1)
        self.config.server_header = False
        self.config.proxy_headers = False

    async def callback_notify(self) -> None:
        if os.getppid() != self.ppid:  # the master was killed: nobody will stop or replace this worker
            self.log.info("Parent changed, shutting down: %s", self)
            os.kill(os.getpid(), signal.SIGTERM)
        self.notify()
