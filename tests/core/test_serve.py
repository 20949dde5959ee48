"""``consult.serve``, make run's supervisor: the task consumer is started again when it stops, and left out
when the installed code has no such command (the whole server is tested in tests/debates/test_server.py)."""

from __future__ import annotations

import sys
import time

from consult.serve import Consumer


def _run(consumer: Consumer, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        consumer.check()
        time.sleep(0.05)


def test_a_consumer_that_stops_is_started_again_after_a_pause(tmp_path):
    runs = tmp_path / "runs"
    consumer = Consumer({}, [sys.executable, "-c", f"open({str(runs)!r}, 'a').write('x')"])
    consumer.start()
    _run(consumer, 4)
    assert consumer.available
    assert 2 <= len(runs.read_text()) <= 4  # at once, after 1 s, after 2 s more: the pause doubles
    assert consumer.pause >= 4


def test_without_the_command_the_server_runs_without_a_consumer(capsys):
    consumer = Consumer({}, [sys.executable, "-c", "import sys; sys.exit(2)"])
    consumer.start()
    _run(consumer, 1)
    assert not consumer.available and consumer.process is None
    assert "no `flask tasks consume`" in capsys.readouterr().err
