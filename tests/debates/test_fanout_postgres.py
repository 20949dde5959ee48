"""PostgreSQL fan-out: a change committed in one server process reaches live screens served by another.

Runs only on PostgreSQL (``CONSULT_TEST_DATABASE_URL``). A second Python process builds the app on the same
database, subscribes to a debate through the events broker (its LISTEN thread feeds it) and prints what it
hears; this process changes the debate through the services and commits. Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from consult.debates import events
from consult.debates import services as s
from tests.conftest import TEST_DATABASE_URL

# LISTEN/NOTIFY: a notification is heard when its transaction commits (committed_db)
pytestmark = [pytest.mark.postgres, pytest.mark.committed_db, pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL (CONSULT_TEST_DATABASE_URL)")]

ROOT = Path(__file__).resolve().parents[2]

LISTENER = r"""
import json, os, queue, sys, tempfile
from consult import create_app
from consult.debates import events

debate_id = int(sys.argv[1])
app = create_app({"TESTING": True, "INSTANCE_PATH": tempfile.mkdtemp(prefix="consult-fanout-"),
                  "SECRET_KEY": "test-secret-key",
                  "RESIDENCE_HMAC_KEY": "test-residence-key-0123456789abcdef",
                  "DATABASE_URL": os.environ["FANOUT_DATABASE_URL"], "MAIL_SERVER": None})
with app.app_context():
    events.listen()
    assert events.backend_of().active, "listener did not start"
    q = events.broker.subscribe(debate_id)
    print("READY", flush=True)
    try:
        while True:
            version, stamp, parts = q.get(timeout=float(sys.argv[2]))
            print(json.dumps({"version": version, "stamp": stamp, "parts": list(parts)}), flush=True)
    except queue.Empty:
        print("TIMEOUT", flush=True)
"""


class Child:
    """The other server process, with its output read by a thread so that no read can hang the test."""

    def __init__(self, debate_id: int, wait_seconds: float = 15):
        env = dict(os.environ, FANOUT_DATABASE_URL=TEST_DATABASE_URL, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-c", LISTENER, str(debate_id), str(wait_seconds)],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def next_line(self, timeout: float) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            pytest.fail(f"the other process said nothing in {timeout}s; "
                        f"stderr: {self.proc.stderr.read()[-2000:]}")

    def wait_for(self, predicate, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            line = self.next_line(left)
            if line == "TIMEOUT":
                break
            message = json.loads(line)
            if predicate(message):
                return message
        self.stop()
        pytest.fail("the change did not reach the other process in time")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=5)


@pytest.fixture
def child_for():
    children = []

    def start(debate_id):
        child = Child(debate_id)
        children.append(child)
        assert child.next_line(timeout=30) == "READY"
        return child

    yield start
    for child in children:
        child.stop()


def test_change_in_this_process_reaches_a_screen_of_another_process(db, make_user, make_debate, child_for):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    child = child_for(debate.id)

    s.start_debate(debate, mod)
    db.session.commit()

    message = child.wait_for(lambda m: m["version"] == debate.version, timeout=5)
    assert "status" in message["parts"]
    assert message["stamp"] == events.stamp_of(debate)


def test_rolled_back_change_is_not_announced_to_other_processes(db, make_user, make_debate, child_for):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    child = child_for(debate.id)

    s.start_debate(debate, mod)
    db.session.rollback()
    db.session.expire_all()
    s.ask_question(debate, s.Participant("a:browser-1"), "Who pays for the festival?")
    db.session.commit()

    message = child.wait_for(lambda m: True, timeout=5)
    # the first message heard is the committed change, never the rolled-back start before it
    assert message["parts"] == ["questions"] and message["version"] == debate.version
    time.sleep(0.5)
    assert child.lines.empty()


def test_this_process_hears_its_own_changes_once(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    events.listen()
    q = events.broker.subscribe(debate.id)
    try:
        before = debate.version
        s.start_debate(debate, mod)
        db.session.commit()
        version, _stamp, parts = q.get(timeout=5)
        while version <= before:  # the debate's creation, announced late by a listener already running
            version, _stamp, parts = q.get(timeout=5)
        assert version == debate.version and "status" in parts
        with pytest.raises(queue.Empty):
            q.get(timeout=0.5)
    finally:
        events.broker.unsubscribe(debate.id, q)
