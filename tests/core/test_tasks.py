"""The task queue (``consult.core.tasks``): one commit per task, rollback and retries with backoff, enqueued
only after the commit, failures kept for the administrators' page and the command line."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.core import tasks
from consult.core.mail import OutgoingMail
from consult.core.tasks import TaskFailure
from tests.helpers import count, text_of

RAN: list = []


def _note(label: str) -> None:
    """What the test tasks write: an outbox row is a table without foreign keys, handy as a witness."""
    from consult.extensions import db

    db.session.add(OutgoingMail(to_address=f"{label}@example.org", subject=label, body=label,
                                message_id=label))
    db.session.flush()


@tasks.task("test.write_twice", retries=0)
def write_twice(label: str) -> None:
    RAN.append(label)
    _note(label + "-1")
    _note(label + "-2")


@tasks.task("test.write_then_fail", retries=3, retry_delay=10, backoff=2)
def write_then_fail(label: str) -> None:
    RAN.append(label)
    _note(label)
    raise ConnectionError("the server behind it is down")


@tasks.task("test.refused", retries=5, given_up=lambda label: RAN.append(("given up", label)))
def refused(label: str) -> None:
    RAN.append(label)
    raise tasks.Permanent(LookupError("no such thing"))


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()
    yield
    RAN.clear()


def _subjects(db) -> list[str]:
    return sorted(db.session.scalars(sa.select(OutgoingMail.subject)))


@pytest.fixture
def manual_queue(app):
    """The app's queue, not immediate: the test takes each task off it and runs it (as the consumer does)."""
    huey = tasks.queue(app)
    huey.immediate = False
    try:
        yield huey
    finally:
        huey.flush()
        huey.immediate = True


def test_a_task_runs_once_its_transaction_commits_and_commits_once(app, db):
    commits = []
    own = db.session()

    def counted(session):
        if session is not own:
            commits.append(session)

    sa.event.listen(Session, "after_commit", counted)
    try:
        with app.test_request_context("/"):
            write_twice.enqueue("a")
            assert RAN == []  # not before the commit
            db.session.commit()
    finally:
        sa.event.remove(Session, "after_commit", counted)
    assert RAN == ["a"]
    assert _subjects(db) == ["a-1", "a-2"]
    assert len(commits) == 1


def test_a_rolled_back_transaction_enqueues_nothing(app, db):
    with app.test_request_context("/"):
        write_twice.enqueue("b")
        db.session.rollback()
        db.session.commit()  # a later commit of the same session does not bring it back
    assert RAN == [] and _subjects(db) == []


def test_a_savepoint_rolled_back_keeps_what_the_transaction_enqueued(app, db):
    with app.test_request_context("/"):
        write_twice.enqueue("c")
        with db.session.begin_nested():
            pass
        nested = db.session.begin_nested()
        nested.rollback()
        assert RAN == []
        db.session.commit()
    assert RAN == ["c"]


def test_a_request_that_fails_enqueues_nothing(client, db, make_user, monkeypatch):
    """The service asked for a mail, then the request failed: rolled back, the mail never leaves."""
    from consult.accounts import views
    from consult.core import mail

    monkeypatch.setitem(client.application.config, "MAIL_SERVER", "mail.invalid")
    connections = []
    monkeypatch.setattr(mail, "_connect", lambda: connections.append(1))

    def broken(_email):
        raise RuntimeError("the request fails after the service offered the address")

    monkeypatch.setattr(views, "_flash_email_sent", broken)
    make_user("amina")
    client.sign_in("amina")
    with pytest.raises(RuntimeError):
        client.post_form("/profile", {"display_name": "Amina", "email": "new@example.org", "language": "en"})
    assert connections == [] and count(OutgoingMail) == 0


def test_arguments_are_plain_values(app, db):
    with app.test_request_context("/"), pytest.raises(TypeError):
        write_twice.enqueue(object())


def test_a_failing_task_is_rolled_back_and_retried_with_backoff_then_kept_as_failed(app, db, manual_queue):
    with app.test_request_context("/"):
        write_then_fail.enqueue("d")
        db.session.commit()
    delays = []
    for _attempt in range(4):
        task = manual_queue.dequeue() or _next_scheduled(manual_queue)
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        manual_queue.execute(task)
        db.session.commit()  # the test's own transaction ends: it sees what the task committed
        assert _subjects(db) == []  # each attempt rolled back
        scheduled = manual_queue.scheduled()
        if scheduled:
            delays.append(round((scheduled[0].eta - before).total_seconds()))
    assert RAN == ["d"] * 4
    assert delays == [10, 20, 40]  # exponential backoff, then no more attempts
    failure = db.session.scalar(sa.select(TaskFailure))
    assert (failure.name, failure.attempts, failure.error, failure.args) == (
        "test.write_then_fail", 4, "ConnectionError", ["d"])


def _next_scheduled(huey):
    [task] = huey.scheduled()
    huey.storage.flush_schedule()
    task.eta = None  # its time has come
    return task


def test_a_permanent_failure_is_not_retried(app, db, manual_queue):
    with app.test_request_context("/"):
        refused.enqueue("e")
        db.session.commit()
    manual_queue.execute(manual_queue.dequeue())
    db.session.commit()
    assert manual_queue.scheduled() == [] and manual_queue.pending() == []
    assert RAN == ["e", ("given up", "e")]
    failure = db.session.scalar(sa.select(TaskFailure))
    assert (failure.attempts, failure.error) == (1, "LookupError")


def test_the_sqlite_queue_lives_in_the_instance_folder(tmp_path):
    from consult import create_app

    other = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                        "RESIDENCE_HMAC_KEY": "y" * 32,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    huey = tasks.queue(other)
    assert type(huey).__name__ == "SqliteHuey"
    assert (tmp_path / "tasks.sqlite3").exists()
    assert not huey.results  # results are not stored


def _failure(db, name="test.write_twice", args=("f",), error="SMTPServerDisconnected") -> TaskFailure:
    failure = TaskFailure(name=name, args=list(args), attempts=9, error=error)
    db.session.add(failure)
    db.session.commit()
    return failure


def test_the_admin_page_lists_failures_without_their_arguments(client, db, make_user):
    _failure(db, args=["secret-argument@example.org"])
    make_user("root", roles=("admin",))
    client.sign_in("root")
    response = client.get("/admin/tasks")
    page = text_of(response)
    assert response.status_code == 200
    assert "test.write_twice" in page and "SMTPServerDisconnected" in page and "9" in page
    assert "secret-argument" not in response.get_data(as_text=True)
    assert "Failed tasks" in text_of(client.get("/admin/users"))  # the staff page links to it


def test_only_admins_see_failed_tasks(client, db, make_user):
    failure = _failure(db)
    assert client.get("/admin/tasks").status_code in (302, 303)
    make_user("registrar", roles=("registrar",))
    client.sign_in("registrar")
    assert client.get("/admin/tasks").status_code == 403
    assert client.post_form("/admin/tasks/retry", {"failure_id": failure.id}).status_code == 403
    assert client.post_form("/admin/tasks/discard", {"failure_id": failure.id}).status_code == 403
    assert count(TaskFailure) == 1 and RAN == []


def test_an_admin_runs_a_failed_task_again(client, db, make_user):
    failure = _failure(db)
    make_user("root", roles=("admin",))
    client.sign_in("root")
    response = client.post_form("/admin/tasks/retry", {"failure_id": failure.id})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/tasks")
    assert RAN == ["f"] and count(TaskFailure) == 0
    assert "The task is queued again." in text_of(client.get("/admin/tasks"))


def test_an_admin_discards_a_failed_mail_and_its_message_goes(client, db, make_user):
    db.session.add(OutgoingMail(to_address="x@example.org", subject="s", body="b", message_id="<m@x>",
                                failed_at=dt.datetime(2026, 1, 1)))
    db.session.flush()
    message_id = db.session.scalar(sa.select(OutgoingMail.id))
    failure = _failure(db, name="mail.deliver", args=[[message_id]], error="SMTPRecipientsRefused")
    make_user("root", roles=("admin",))
    client.sign_in("root")
    response = client.post_form("/admin/tasks/discard", {"failure_id": failure.id})
    assert response.status_code == 303
    assert count(TaskFailure) == 0 and count(OutgoingMail) == 0


def test_a_failure_already_handled_is_said_so(client, db, make_user):
    make_user("root", roles=("admin",))
    client.sign_in("root")
    response = client.post_form("/admin/tasks/retry", {"failure_id": 987654})
    assert response.status_code == 303
    assert "This failed task is no longer listed." in text_of(client.get("/admin/tasks"))
    assert client.post_form("/admin/tasks/discard", {}).status_code == 422  # no id: the form says so


def test_command_line_lists_and_retries_failures(app, db, runner):
    failure = _failure(db)
    result = runner.invoke(args=["tasks", "failed"])
    assert result.exit_code == 0
    assert f"{failure.id}\t" in result.output and "SMTPServerDisconnected" in result.output
    assert "test.write_twice" in result.output
    result = runner.invoke(args=["tasks", "retry", str(failure.id)])
    assert result.exit_code == 0, result.output
    assert RAN == ["f"] and count(TaskFailure) == 0
    assert runner.invoke(args=["tasks", "retry", "987654"]).exit_code != 0
    assert "No task has failed." in runner.invoke(args=["tasks", "failed"]).output


def test_consume_refuses_an_immediate_queue(runner):
    result = runner.invoke(args=["tasks", "consume"])
    assert result.exit_code != 0 and "TASKS_IMMEDIATE" in result.output


def test_the_queue_lives_in_redis_when_one_is_configured(tmp_path):
    """``TASKS_REDIS_URL`` (or ``REDIS_URL``, which the cache and rate limits also follow): the same task goes
    through a real Redis."""
    import shutil
    import socket
    import subprocess
    import time

    pytest.importorskip("redis")
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server (make test installs it)")
    from consult import create_app
    from consult.extensions import db

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        other = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                            "RESIDENCE_HMAC_KEY": "y" * 32, "TASKS_REDIS_URL": f"redis://127.0.0.1:{port}/0",
                            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
        huey = tasks.queue(other)
        assert type(huey).__name__ == "RedisHuey"
        from types import SimpleNamespace

        shared = SimpleNamespace(config={"REDIS_URL": f"redis://127.0.0.1:{port}/0"},
                                 instance_path=str(tmp_path))
        assert type(tasks._make_queue(shared)).__name__ == "RedisHuey"  # the platform's one Redis
        deadline = time.monotonic() + 10
        while True:
            try:
                huey.storage.conn.ping()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with other.app_context():
            db.create_all()
            write_twice.enqueue("r")
            db.session.commit()
            assert RAN == [] and huey.pending_count() == 1
            huey.execute(huey.dequeue())
            assert RAN == ["r"] and _subjects(db) == ["r-1", "r-2"]
            db.session.remove()
            db.engine.dispose()
    finally:
        redis.terminate()
        redis.wait(10)


@pytest.mark.parametrize(("flag", "periodic"), [([], True), (["--no-periodic"], False)])
def test_later_consumers_run_without_the_periodic_jobs(app, db, runner, monkeypatch, flag, periodic):
    """With consumers on several hosts, one runs the periodic jobs (the mail sweep) and the others do not."""
    made, started = {}, []

    class Consumer:
        def run(self):
            pass

    class Queue:
        def create_consumer(self, **options):
            made.update(options)
            return Consumer()

    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    monkeypatch.setattr(tasks, "queue", lambda _app: Queue())
    monkeypatch.setattr(tasks, "run_at_start", lambda _app: started.append(True))
    result = runner.invoke(args=["tasks", "consume", *flag])
    assert result.exit_code == 0, result.output
    assert made["periodic"] is periodic
    assert bool(started) is periodic
