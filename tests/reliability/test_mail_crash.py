"""Crash test of the mail queue: ``kill -9`` of the consumer in the middle of a batch, restart, and every
message is delivered exactly once.

70 messages go into the outbox in one commit: two ``mail.deliver`` tasks (50 + 20) in huey's SQLite queue. The
consumer is the real command, ``flask --app consult tasks consume``, in its own process; the mail server is a
real SMTP server on loopback (aiosmtpd). When the 30th message reaches the server, the server holds its answer
and the test kills the consumer (SIGKILL): 29 messages were accepted, the 30th never was (the client died
before the server said yes), the 20 others of the batch are claimed by a task that no longer exists, and the
second task is still on the queue. The consumer is started again; each of the 70 addresses must have exactly
one message, and the outbox must be empty.

(What no SMTP client can rule out — a kill in the instant between the server's "250 OK" and the commit that
takes the message out of the outbox, which sends it twice — is described in ``consult/core/mail.py``.)
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from consult import create_app
from consult.core.mail import OutgoingMail, send_mails
from consult.extensions import db
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.slow

MESSAGES = 70
KILL_AT = 30  # the message in flight when the consumer is killed
CLAIM_SECONDS = 2  # how long a killed task's claim holds its messages


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """An SMTP server that keeps the recipients of the messages it accepted, and holds its answer to the
    ``KILL_AT``-th message until told to go on (then refuses it: its client is dead by then)."""

    def __init__(self):
        self.delivered: list[str] = []
        self.seen = 0
        self.holding = threading.Event()
        self.go_on = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == KILL_AT:
            self.holding.set()
            while not self.go_on.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Try again later"
        self.delivered.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def database_url(tmp_path):
    """A database of its own: the consumer in another process must see what this test commits."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'mail-crash.sqlite3'}"
        return
    name = f"consult_mailcrash_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield f"{TEST_DATABASE_URL.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


class Consumer:
    """``flask --app consult tasks consume --workers 1`` in its own process group."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self):
        flask = Path(sys.executable).with_name("flask")
        command = [str(flask)] if flask.exists() else [sys.executable, "-m", "flask"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--app", "consult", "tasks", "consume", "--workers", "1"],
                env=self.env, stdout=log, stderr=log, start_new_session=True)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)  # graceful: finishes what it runs
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_kill_9_mid_batch_then_restart_delivers_every_message_exactly_once(tmp_path, database_url):
    smtp = Server()
    controller = Controller(smtp, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url, "SECRET_KEY": "mail-crash-key",
                "RESIDENCE_HMAC_KEY": "test-residence-key-0123456789abcdef", "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": controller.port, "MAIL_CLAIM_SECONDS": CLAIM_SECONDS}
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        send_mails([(f"person{n}@example.org", "News", f"Message {n}") for n in range(MESSAGES)])
        db.session.commit()  # both tasks are on the queue now (instance/tasks.sqlite3)
        db.session.remove()
        db.engine.dispose()
    env = {**os.environ, **{f"CONSULT_{key}": str(value) for key, value in settings.items()}}
    env["CONSULT_INSTANCE_PATH"] = str(tmp_path)
    consumer = Consumer(env, tmp_path / "consumer.log")
    try:
        consumer.start()
        assert smtp.holding.wait(60), (tmp_path / "consumer.log").read_text()[-3000:]
        consumer.kill()
        smtp.go_on.set()
        assert len(smtp.delivered) == KILL_AT - 1  # killed mid-batch

        consumer.start()
        everyone = {f"person{n}@example.org" for n in range(MESSAGES)}
        assert _wait(lambda: set(smtp.delivered) >= everyone, 60), \
            (tmp_path / "consumer.log").read_text()[-3000:]
        time.sleep(CLAIM_SECONDS + 1.5)  # a second copy of anything would have arrived by now
        consumer.stop()
    finally:
        consumer.stop()
        controller.stop()
    copies = Counter(smtp.delivered)
    assert set(copies) == everyone
    assert [address for address, n in copies.items() if n != 1] == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0
        db.session.remove()
        db.engine.dispose()
