"""``make run``'s server: the web server and the task queue's consumer, side by side.

    python -m consult.serve [--bind 127.0.0.1:5000] [--workers N] [--threads N] [--no-tasks]

* The web server is gunicorn with ``consult.gunicorn_conf`` (uvicorn workers serving ``consult.asgi``):
  ``--workers`` processes (default: one per core, at least 2), each with an event loop for the live event
  streams and ``--threads`` threads for pages (``CONSULT_WEB_THREADS``, default 16).
* The consumer is ``flask --app consult tasks consume`` (mail, notifications, exports:
  ``consult.core.tasks``).
  If it stops, it is started again after a pause (1 s, doubled each time up to a minute, back to 1 s after a
  minute of running); if the installed code has no such command yet (it exits at once with a usage error,
  status 2), the server runs without it.
* Ctrl-C or SIGTERM stops both (SIGTERM, then SIGKILL after 15 s). If gunicorn exits (it restarts its own
  workers), the consumer is stopped and this program exits with gunicorn's status.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time

STOP_SECONDS = 15


def raise_file_limit(wanted: int = 65536) -> int:
    """Raise this process's open-file limit toward ``wanted`` (the hard limit at most): each open stream is a
    socket. Returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: this process gets SIGTERM when its parent dies (a supervisor or a gunicorn master killed
    without stopping it); elsewhere nothing."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, preexec_fn=die_with_parent)


def _stop(processes) -> None:
    alive = [p for p in processes if p is not None and p.poll() is None]
    for process in alive:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in alive:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Consumer:
    """The task consumer, started again when it stops."""

    COMMAND = [sys.executable, "-m", "flask", "--app", "consult", "tasks", "consume"]

    def __init__(self, env: dict, command: list[str] | None = None):
        self.command = command or self.COMMAND
        self.env, self.process, self.pause, self.started = env, None, 1.0, 0.0
        self.next_start = 0.0
        self.available = True

    def start(self) -> None:
        self.process, self.started = _start(self.command, self.env), time.monotonic()

    def check(self) -> None:
        """Start it again if it stopped (after its pause)."""
        if not self.available:
            return
        now = time.monotonic()
        if self.process is not None and self.process.poll() is None:
            if now - self.started > 60:
                self.pause = 1.0
            return
        if self.process is not None:
            status, ran = self.process.returncode, now - self.started
            self.process = None
            if status == 2 and ran < 30:
                self.available = False
                print("consult.serve: this installation has no `flask tasks consume`; serving without the "
                      "task consumer", file=sys.stderr, flush=True)
                return
            print(f"consult.serve: the task consumer stopped (status {status}); starting it again in "
                  f"{self.pause:.0f} s", file=sys.stderr, flush=True)
            self.next_start, self.pause = now + self.pause, min(self.pause * 2, 60.0)
        if now >= self.next_start:
            self.start()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consult.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default="127.0.0.1:5000", help="HOST:PORT (default 127.0.0.1:5000)")
    parser.add_argument("--workers", type=int, help="server processes (default: one per core, at least 2)")
    parser.add_argument("--threads", type=int, help="threads for pages in each process (default 16)")
    parser.add_argument("--no-tasks", action="store_true", help="do not start the task consumer")
    args = parser.parse_args(argv)

    raise_file_limit()
    env = dict(os.environ)
    if args.threads:
        env["CONSULT_WEB_THREADS"] = str(args.threads)
    command = [sys.executable, "-m", "gunicorn", "--config", "python:consult.gunicorn_conf",
               "--bind", args.bind]
    if args.workers:
        command += ["--workers", str(args.workers)]
    stopping = []

    def stop(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    web = _start(command, env)
    consumer = None if args.no_tasks else Consumer(env)
    if consumer is not None:
        consumer.start()
    try:
        while not stopping and web.poll() is None:
            if consumer is not None:
                consumer.check()
            time.sleep(0.2)
    finally:
        _stop([web, consumer.process if consumer is not None else None])
    return 0 if stopping else (web.returncode or 1)


if __name__ == "__main__":
    sys.exit(main())
