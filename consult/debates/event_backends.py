"""How a committed change of a debate reaches the event streams of every server process (``events``).

Every backend delivers a change to the streams of the process that committed it at once, after the commit
(``committed``), and to the other processes its own way; each process hears the others once ``listen`` has
been called (the stream route calls it before subscribing). A process knows its own messages by its
*origin* and never hears them twice.

* :class:`ProcessBackend`: this process only.
* :class:`UnixSocketBackend` (SQLite, the default there): every process that serves a stream binds a Unix
  datagram socket ``<pid>.sock`` in ``instance/events/`` (or, when that path is too long for a socket, in a
  folder of the system's temporary directory named after it), and a receiving thread. A commit hands the
  change to a sending thread, which writes one datagram to every other socket of the folder (a socket whose
  process is gone is removed). The request never waits on another process; a burst of changes is merged
  into one message per debate. Same host only, which is SQLite's case.
* :class:`PostgresBackend`: ``NOTIFY consult_debates`` inside the transaction (PostgreSQL delivers it to the
  listeners only if the transaction commits) and one ``LISTEN`` thread per process. Any number of hosts.
* ``consult.debates.event_redis.RedisBackend`` (when ``REDIS_URL`` is set): Redis pub/sub, published by the
  sending thread after the commit; one subscribing thread per process. Any number of hosts.

Delivery to another process is at most once: a message lost on the way (a process restarting, Redis or
PostgreSQL reconnecting) leaves a screen behind until its next change or its reconnection, which catches up
from the ``Last-Event-ID`` it had (``stream``).
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import logging
import os
import queue
import secrets
import socket
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from consult.debates.broker import broker, format_payload, parse_payload

log = logging.getLogger(__name__)

#: PostgreSQL's channel
CHANNEL = "consult_debates"
#: the longest socket path (``sun_path`` holds 108 bytes on Linux, 104 on the BSDs)
MAX_SOCKET_PATH = 100
_ORIGIN: tuple[int, str] | None = None


def origin() -> str:
    """This process, among every process and host: a random token drawn once per process."""
    global _ORIGIN
    if _ORIGIN is None or _ORIGIN[0] != os.getpid():
        _ORIGIN = (os.getpid(), secrets.token_hex(8))
    return _ORIGIN[1]


def deliver(lines: str) -> None:
    """Publish to this process's broker what another process sent: lines of ``"<origin> <payload>"``, those
    of this process's own origin left out (it had them at its commit)."""
    mine = origin()
    for line in lines.splitlines():
        sender, _, payload = line.partition(" ")
        if sender == mine or not payload:
            continue
        try:
            broker.publish(*parse_payload(payload))
        except ValueError:
            log.warning("ignored a malformed debate event")


def merge(changes) -> list[tuple]:
    """One change per debate: the newest version, the parts of all."""
    merged: dict[tuple[int, int], tuple[int, set]] = {}
    for debate_id, version, parts, stamp in changes:
        known_version, known_parts = merged.get((debate_id, stamp), (0, set()))
        merged[(debate_id, stamp)] = (max(version, known_version), known_parts | set(parts))
    return [(debate_id, version, tuple(sorted(parts)), stamp)
            for (debate_id, stamp), (version, parts) in merged.items()]


class ProcessBackend:
    """This process's streams only."""

    name = "process"

    def record(self, session, payload: str) -> None:
        """Inside the transaction of a change (PostgreSQL sends its NOTIFY here)."""

    def committed(self, changes) -> None:
        """After the commit: ``changes`` is a list of ``(debate_id, version, parts, stamp)``."""
        for debate_id, version, parts, stamp in changes:
            broker.publish(debate_id, version, parts, stamp)

    def listen(self) -> None:
        """Hear the other processes from now on (nothing to do here)."""


class RelayBackend(ProcessBackend):
    """Delivered here at once, and sent to the other processes by a thread of its own (:meth:`send`), so a
    slow or missing peer never holds the request that committed."""

    def __init__(self):
        self._outbox: queue.Queue | None = None
        self._pid = None
        self._lock = threading.Lock()

    def committed(self, changes) -> None:
        super().committed(changes)
        outbox = self._sender()
        try:
            outbox.put_nowait(list(changes))
        except queue.Full:
            log.warning("debate events: the other processes are not keeping up; a change was not sent")

    def _sender(self) -> queue.Queue:
        if self._pid != os.getpid():  # first use, or a forked process: a thread of its own
            with self._lock:
                if self._pid != os.getpid():
                    self._outbox = queue.Queue(10_000)
                    threading.Thread(target=self._send_forever, args=(self._outbox,), daemon=True,
                                     name=f"debates-{self.name}-send").start()
                    self._pid = os.getpid()
        return self._outbox

    def _send_forever(self, outbox: queue.Queue) -> None:
        while True:
            changes = outbox.get()
            while True:  # everything waiting goes as one message per debate
                try:
                    changes.extend(outbox.get_nowait())
                except queue.Empty:
                    break
            lines = "\n".join(f"{origin()} {format_payload(*change)}" for change in merge(changes))
            try:
                self.send(lines)
            except Exception:  # a peer or a server gone: this change is not heard there
                log.exception("debate events: sending to the other processes failed")

    def send(self, lines: str) -> None:  # pragma: no cover - each relay sends its own way
        raise NotImplementedError


def socket_folder(instance_path: str) -> Path:
    """Where the processes of one instance bind their sockets."""
    folder = Path(instance_path) / "events"
    if len(str(folder)) + len("/4194304.sock") > MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"consult-events-{digest}"
    return folder


def _datagrams(lines: str, size: int = 32768):
    """``lines`` in datagrams of at most ``size`` bytes, cut between lines."""
    chunk: list[bytes] = []
    length = 0
    for line in lines.encode().splitlines():
        if chunk and length + len(line) + 1 > size:
            yield b"\n".join(chunk)
            chunk, length = [], 0
        chunk.append(line)
        length += len(line) + 1
    if chunk:
        yield b"\n".join(chunk)


class UnixSocketBackend(RelayBackend):
    """Datagrams between the processes of one host (see the module's docstring)."""

    name = "unix"
    #: a peer that does not take a datagram in this time (stopped, stuck) misses it
    SEND_TIMEOUT = 1.0

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder
        self._bound: tuple[int, socket.socket] | None = None
        self._out: tuple[int, socket.socket] | None = None

    def own_path(self) -> Path:
        return self.folder / f"{os.getpid()}.sock"

    def listen(self) -> None:
        if self._bound is not None and self._bound[0] == os.getpid():
            return
        with self._lock:
            if self._bound is not None and self._bound[0] == os.getpid():
                return
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.own_path()
            path.unlink(missing_ok=True)  # a socket left by a process that had this id before
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(str(path))
            atexit.register(path.unlink, missing_ok=True)
            threading.Thread(target=self._receive_forever, args=(sock,), daemon=True,
                             name="debates-unix-receive").start()
            self._bound = (os.getpid(), sock)

    @staticmethod
    def _receive_forever(sock: socket.socket) -> None:
        while True:
            data = sock.recv(65536)
            deliver(data.decode("utf-8", "replace"))

    def _socket_out(self) -> socket.socket:
        if self._out is None or self._out[0] != os.getpid():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.settimeout(self.SEND_TIMEOUT)
            self._out = (os.getpid(), sock)
        return self._out[1]

    def peers(self) -> list[Path]:
        own = f"{os.getpid()}.sock"
        try:
            return [Path(entry.path) for entry in os.scandir(self.folder)
                    if entry.name.endswith(".sock") and entry.name != own]
        except FileNotFoundError:
            return []

    def send(self, lines: str) -> None:
        sock = self._socket_out()
        datagrams = list(_datagrams(lines))
        for peer in self.peers():
            try:
                for data in datagrams:
                    sock.sendto(data, str(peer))
            except ConnectionRefusedError:  # nobody reads it any more: a process that is gone
                peer.unlink(missing_ok=True)
            except FileNotFoundError:
                pass
            except TimeoutError:
                log.warning("debate events: %s did not take a change in %.1f s", peer.name, self.SEND_TIMEOUT)
            except OSError as error:
                if error.errno != errno.ENOENT:
                    log.warning("debate events: could not send to %s: %s", peer.name, error)


class PostgresBackend(ProcessBackend):
    """NOTIFY inside the transaction, one LISTEN thread per process (see the module's docstring)."""

    name = "postgresql"

    def __init__(self, url: str):
        self.url = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.active = False
        self._lock = threading.Lock()
        self._thread: tuple[int, threading.Thread] | None = None

    def record(self, session, payload: str) -> None:
        session.execute(sa.text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": f"{origin()} {payload}"})

    def listen(self) -> None:
        if self.active and self._thread is not None and self._thread[0] == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread[0] == os.getpid():
                return  # started (and ready, or reconnecting): no second thread
            ready = threading.Event()
            thread = threading.Thread(target=self._run, args=(ready,), name="debates-listen", daemon=True)
            self._thread = (os.getpid(), thread)
            thread.start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        import psycopg

        while True:
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.active = True
                    ready.set()
                    for note in conn.notifies():
                        deliver(note.payload)
            except Exception:  # the database went away: reconnect, keep the process alive
                self.active = False
                log.exception("debate event listener lost its connection; retrying")
                time.sleep(1)
