"""Follows, in-app notifications in the reader's language, email through a real SMTP server, erasure."""

from __future__ import annotations

import socket
import time

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from flask_babel import force_locale

from consult.comments import services as comments
from consult.core.mail import OutgoingMail
from consult.core.personal_data import erase_everywhere, export_sections
from consult.extensions import db as _db
from consult.notifications import services as notifications
from consult.notifications.models import Follow, Notification
from tests.helpers import count, text_of


class _Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port; the app sends to it for the test."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield inbox
    finally:
        app.config.update(old)
        controller.stop()


def _wait_for(inbox, n, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.messages


def test_follow_is_unique_and_unfollow_works(db, item, make_user):
    amina = make_user("amina")
    first = notifications.follow(amina, item)
    assert notifications.follow(amina, item).id == first.id
    assert count(Follow) == 1 and notifications.is_following(amina, item)
    notifications.unfollow(amina, item)
    assert not notifications.is_following(amina, item) and count(Follow) == 0


def test_followers_but_not_the_actor_are_notified(db, item, make_user):
    amina, chen, blocked = make_user("amina"), make_user("chen"), make_user("blocked")
    for person in (amina, chen, blocked):
        notifications.follow(person, item)
    blocked.is_blocked = True
    notifications.notify_followers(item, "state_changed", actor=amina, state="Accepted")
    assert count(Notification) == 0  # the fan-out is a task: it runs once the action commits
    db.session.commit()
    assert [n.user_id for n in db.session.scalars(sa.select(Notification))] == [chen.id]


def test_a_rolled_back_action_notifies_nobody(db, item, make_user):
    chen = make_user("chen")
    notifications.follow(chen, item)
    db.session.commit()
    notifications.notify_followers(item, "outcome_updated")
    db.session.rollback()
    db.session.commit()
    assert count(Notification) == 0


def test_the_fan_out_runs_in_the_consumer_as_one_task(app, db, item, make_user):
    from consult.core import tasks

    followers = [make_user(f"f{n}") for n in range(30)]
    for person in followers:
        notifications.follow(person, item)
    db.session.commit()
    huey = tasks.queue(app)
    huey.immediate = False
    try:
        notifications.notify_followers(item, "outcome_updated")
        db.session.commit()
        assert count(Notification) == 0 and huey.pending_count() == 1
        huey.execute(huey.dequeue())
        db.session.commit()
        assert count(Notification) == 30
    finally:
        huey.flush()
        huey.immediate = True


def test_message_is_rendered_when_read_in_the_readers_language(app, db, item, make_user):
    chen = make_user("chen", language="fr")
    former = make_user("former")
    notifications.follow(chen, item)
    notifications.notify_followers(item, "comment_posted", actor=former)
    former.deleted_at = former.created_at  # erased after the fact: the message follows
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    with app.test_request_context("/"):
        assert (notifications.message_for(note)
                == "Former participant commented on “Open a welcome desk at the station”.")
        with force_locale("fr"):
            assert notifications.message_for(note).startswith("Ancien·ne participant·e")


def test_email_is_written_in_the_followers_language(app, db, item, make_user, smtp):
    chen = make_user("chen", language="fr", email="chen@example.org")
    former = make_user("former")
    former.deleted_at = former.created_at
    notifications.follow(chen, item)
    with app.test_request_context("/"):
        notifications.notify_followers(item, "comment_posted", actor=former)
        db.session.commit()
    body = _wait_for(smtp, 1)[0].get_payload(decode=True).decode()
    assert body.startswith("Ancien·ne participant·e")


@pytest.mark.parametrize("event", ["comment_posted", "state_changed", "answer_published", "outcome_updated",
                                   "unknown_event"])
def test_every_event_has_a_message(app, db, item, make_user, event):
    chen = make_user("chen")
    notifications.follow(chen, item)
    notifications.notify_followers(item, event, actor=make_user("amina", display_name="Amina"),
                                   state="Accepted")
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    with app.test_request_context("/"):
        message = notifications.message_for(note)
    assert "Open a welcome desk at the station" in message and "%(" not in message


def test_a_comment_notifies_followers_and_makes_the_author_follow(db, item, make_user):
    chen = make_user("chen")
    notifications.follow(chen, item)
    amina = make_user("amina", display_name="Amina")
    comments.post_comment(amina, item, "Hello")
    assert notifications.is_following(amina, item)
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    assert note.user_id == chen.id and note.event == "comment_posted" and note.actor_id == amina.id


def test_email_goes_to_followers_with_an_address_after_commit(app, db, item, make_user, smtp):
    chen = make_user("chen", email="chen@example.org", language="en")
    no_mail = make_user("nomail")
    notifications.follow(chen, item)
    notifications.follow(no_mail, item)
    with app.test_request_context("/"):
        notifications.notify_followers(item, "outcome_updated")
        assert smtp.messages == []  # nothing leaves before the commit
        db.session.commit()
    messages = _wait_for(smtp, 1)
    assert len(messages) == 1
    assert messages[0]["To"] == "chen@example.org"
    body = messages[0].get_payload(decode=True).decode()
    assert "There is news about the outcome of “Open a welcome desk at the station”." in body
    assert f"/go/testitem/{item.id}" in body


def test_many_followers_are_mailed_through_the_queue_over_one_connection(app, db, item, make_user, smtp,
                                                                        monkeypatch):
    from consult.core import mail

    followers = [make_user(f"follower{n}", email=f"f{n}@example.org") for n in range(5)]
    for person in followers:
        notifications.follow(person, item)
    db.session.commit()
    connections = []
    real_connect = mail._connect

    def counting_connect():
        connections.append(1)
        return real_connect()

    monkeypatch.setattr(mail, "_connect", counting_connect)
    with app.test_request_context("/"):
        notifications.notify_followers(item, "outcome_updated")
        assert smtp.messages == [] and count(OutgoingMail) == 0  # nothing before the commit
        db.session.commit()
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"f{n}@example.org" for n in range(5))
    assert connections == [1]  # one connection for the batch
    assert count(OutgoingMail) == 0  # the outbox keeps nothing that was sent
    assert len({m["Message-ID"] for m in smtp.messages}) == 5


def test_a_refused_address_fails_alone_and_waits_for_an_administrator(app, db, item, make_user, smtp):
    from consult.core.tasks import TaskFailure

    smtp.refuse = {"bad@example.org"}
    for name in ("ann", "bad", "cy"):
        notifications.follow(make_user(name, email=f"{name}@example.org"), item)
    db.session.commit()
    with app.test_request_context("/"):
        notifications.notify_followers(item, "outcome_updated")
        db.session.commit()
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "cy@example.org"]
    failure = db.session.scalar(sa.select(TaskFailure))
    assert (failure.name, failure.error) == ("mail.deliver", "SMTPRecipientsRefused")
    left = db.session.scalar(sa.select(OutgoingMail))
    assert left.to_address == "bad@example.org" and left.failed_at is not None
    # the server takes it now: an administrator runs it again
    smtp.refuse = set()
    from consult.core import tasks

    with app.test_request_context("/"):
        tasks.retry_failure(failure)
        db.session.commit()
    assert [m["To"] for m in smtp.messages][-1] == "bad@example.org"
    assert count(OutgoingMail) == 0 and count(TaskFailure) == 0


def test_mail_waits_while_the_server_is_down_and_leaves_on_the_retry(app, db, item, make_user, smtp):
    from consult.core import tasks

    chen = make_user("chen", email="chen@example.org")
    notifications.follow(chen, item)
    db.session.commit()
    huey = tasks.queue(app)
    huey.immediate = False
    try:
        with app.test_request_context("/"):
            notifications.notify_followers(item, "outcome_updated")
            db.session.commit()
        app.config["MAIL_PORT"], port = _free_port(), app.config["MAIL_PORT"]  # nobody listens there
        huey.execute(huey.dequeue())  # the fan-out: the notification, and the message in the outbox
        huey.execute(huey.dequeue())  # the mail
        db.session.commit()  # the test's own transaction ends: it sees what the task committed
        [retry] = huey.scheduled()
        row = db.session.scalar(sa.select(OutgoingMail))
        db.session.refresh(row)
        assert row.claim_token == retry.id and row.claimed_until is not None  # held for its retry
        assert smtp.messages == []
        app.config["MAIL_PORT"] = port
        huey.storage.flush_schedule()
        retry.eta = None
        huey.execute(retry)
        db.session.commit()
        assert [m["To"] for m in smtp.messages] == ["chen@example.org"]
        assert count(OutgoingMail) == 0
    finally:
        huey.flush()
        huey.immediate = True


def test_rolled_back_action_sends_no_email(app, db, item, make_user, smtp):
    chen = make_user("chen", email="chen@example.org")
    notifications.follow(chen, item)
    db.session.commit()
    notifications.notify_followers(item, "outcome_updated")
    db.session.rollback()
    time.sleep(0.3)
    assert smtp.messages == []


def test_comment_through_the_page_emails_a_follower(client, db, item, make_user, smtp):
    chen = make_user("chen", email="chen@example.org")
    notifications.follow(chen, item)
    make_user("amina", display_name="Amina")
    db.session.commit()
    client.sign_in("amina")
    response = client.post_form(f"/comments/testitem/{item.id}", {"body": "Nice", "alignment": "neutral"})
    assert response.status_code == 303
    messages = _wait_for(smtp, 1)
    assert len(messages) == 1 and "Amina commented on" in messages[0].get_payload(decode=True).decode()


def test_follow_button_without_javascript_and_with_htmx(client, db, item, make_user):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form(f"/follow/testitem/{item.id}", {"next": item.url})
    assert response.status_code == 303 and response.headers["Location"].endswith(item.url)
    assert "Stop following" in text_of(client.get(item.url))
    fragment = client.post_form(f"/unfollow/testitem/{item.id}", {}, htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "Follow" in text_of(fragment) and count(Follow) == 0


def test_visitors_cannot_follow(client, db, item):
    response = client.post_form(f"/follow/testitem/{item.id}")
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    assert "Sign in to follow" in text_of(client.get(item.url))


def test_notifications_page_unread_badge_and_mark_read(client, db, item, make_user):
    chen = make_user("chen")
    notifications.follow(chen, item)
    notifications.notify_followers(item, "answer_published")
    notifications.notify_followers(item, "outcome_updated")
    db.session.commit()
    client.sign_in("chen")
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "The city has published an answer" in text_of(page) and "New" in text_of(page)
    assert notifications.unread_count(chen) == 2
    first = db.session.scalar(sa.select(Notification).order_by(Notification.id))
    response = client.post_form(f"/notifications/{first.id}/open")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/go/testitem/{item.id}")
    assert notifications.unread_count(chen) == 1
    assert client.get(response.headers["Location"]).headers["Location"].endswith(item.url)
    client.post_form("/notifications/read")
    assert notifications.unread_count(chen) == 0


def test_badge_include_shows_the_unread_count(app, db, item, make_user, client):
    chen = make_user("chen")
    notifications.follow(chen, item)
    notifications.notify_followers(item, "answer_published")
    db.session.commit()
    client.sign_in("chen")
    from flask import render_template_string

    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(chen)
        html = render_template_string('{% include "notifications/_badge.html" %}')
    assert "Notifications" in html and ">1<" in html


def test_someone_elses_notification_is_404(client, db, item, make_user):
    chen = make_user("chen")
    make_user("amina")
    notifications.follow(chen, item)
    notifications.notify_followers(item, "answer_published")
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    client.sign_in("amina")
    assert client.post_form(f"/notifications/{note.id}/open").status_code == 404
    db.session.refresh(note)
    assert note.read_at is None


def test_export_and_erase(db, item, make_user):
    chen = make_user("chen")
    notifications.follow(chen, item)
    notifications.notify_followers(item, "answer_published")
    _db.session.commit()
    data = export_sections(chen)
    assert (data["follows"][0]["target_type"] == "testitem" and data["notifications"][0]["event"]
            == "answer_published")
    erase_everywhere(chen)
    _db.session.flush()
    assert count(Follow) == 0 and count(Notification) == 0
