"""SQLite's writers queue here before they ask SQLite for its single write lock (``consult.core.db``).

SQLite's busy handler lets a waiting writer sleep 1, 2, 5, ... then 100 ms between attempts: a writer that has
waited a while looks again only every 100 ms and keeps losing the lock to newer writers that look more often,
until its busy timeout runs out ("database is locked"), while the lock often lies free between the attempts.
The write gate puts the writers of one database file in line instead:

* in a process, a :class:`FifoLock`: the writers' threads get it in the order they asked (a plain
  ``threading.Lock`` lets a newcomer take it before one that has been waiting), handed from one to the next
  the moment it is released;
* between processes (server workers, the task consumer, a command), an exclusive ``flock`` on
  ``<database>-writer``, which only the first writer of each process asks for, every fraction of a
  millisecond to 2 ms; the kernel releases it if its process dies.

A connection (:class:`GatedConnection`) passes the gate before its first write and gives it back when its
transaction ends (commit, rollback or close). The gate waits as long as the busy timeout at most, then
answers like SQLite: "database is locked".
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque


class FifoLock:
    """A lock handed to its waiters in the order they came."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over as the wait ended
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # still held: it goes to the next in line
            else:
                self._held = False


class WriteGate:
    """The line of the writers of one SQLite file: a :class:`FifoLock` for this process's threads, then an
    exclusive ``flock`` on ``<file>-writer`` for the processes."""

    def __init__(self, path: str):
        self.lock = FifoLock()
        self.fd: int | None = None
        try:
            self.fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:  # a read-only folder: the threads of this process still queue
            self.fd = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            self._flock(deadline)
        except BaseException:
            self.lock.release()
            raise

    def _flock(self, deadline: float) -> None:
        if self.fd is None:
            return
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)  # short: the other processes' writers hold the lock for milliseconds
                pause = min(pause * 2, 0.002)

    def release(self) -> None:
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()


_gates: dict[tuple[int, str], WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(path: str) -> WriteGate | None:
    """The write gate of a database file in this process (None for a database in memory)."""
    if not path:
        return None
    key = (os.getpid(), os.path.realpath(path))  # a forked worker makes its own
    with _gates_lock:
        if key not in _gates:
            _gates[key] = WriteGate(key[1])
        return _gates[key]


class GatedConnection(sqlite3.Connection):
    """sqlite3's connection, which gives the write gate back once its transaction has ended."""

    consult_gate: WriteGate | None = None
    consult_holds_gate = False
    consult_timeout = 10.0
    #: in a ``BEGIN`` (deferred) transaction that has not written yet
    consult_reading = False

    def take_gate(self) -> None:
        if self.consult_gate is not None and not self.consult_holds_gate:
            self.consult_gate.acquire(self.consult_timeout)
            self.consult_holds_gate = True

    def _give_back(self) -> None:
        if self.consult_holds_gate and not self.in_transaction:
            self.consult_holds_gate = False
            self.consult_gate.release()

    def begin_immediate(self) -> None:
        self.take_gate()
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._give_back()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.consult_reading = False
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.consult_reading = False
            self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.consult_holds_gate:
                self.consult_holds_gate = False
                self.consult_gate.release()
