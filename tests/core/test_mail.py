"""The mail outbox (``consult.core.mail``): claims that a long batch renews and that another task may take
once lapsed, and an erased account's address leaving the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from consult.core import mail
from consult.core.mail import OutgoingMail
from tests.helpers import count


class _Catcher:
    def __init__(self, on_send=None):
        self.sent, self.on_send = [], on_send

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        self.sent.append(message["To"])
        if self.on_send:
            self.on_send(len(self.sent))


def test_a_message_another_task_took_meanwhile_is_left_to_it(app, db, monkeypatch):
    """Half the claim time gone (here: none at all), the batch renews its claim before each message; a message
    whose claim lapsed and that another task took is skipped, not sent twice."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setitem(app.config, "MAIL_CLAIM_SECONDS", 0)
    ids = []

    def steal_the_third(sent):
        if sent == 1:  # another task (the sweep's) takes the third message, for the usual claim time
            app.config["MAIL_CLAIM_SECONDS"] = 300
            assert [r.id for r in mail._claim([ids[2]], "another-task")] == [ids[2]]
            app.config["MAIL_CLAIM_SECONDS"] = 0

    smtp = _Catcher(steal_the_third)
    monkeypatch.setattr(mail, "_connect", lambda: smtp)
    monkeypatch.setattr(mail.deliver, "enqueue", lambda *args, **kwargs: None)  # sent by hand below
    with app.test_request_context("/"):
        mail.send_mails([(f"p{n}@example.org", "News", "Hello") for n in range(4)])
        ids.extend(db.session.scalars(sa.select(OutgoingMail.id).order_by(OutgoingMail.id)))
        db.session.commit()
        mail.deliver(ids)
    assert smtp.sent == ["p0@example.org", "p1@example.org", "p3@example.org"]
    [left] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert left.id == ids[2] and left.claim_token == "another-task"


def test_an_erased_account_leaves_the_outbox(app, db, make_user, monkeypatch):
    from consult.accounts.erasure import erase_account

    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setattr(mail.deliver, "enqueue", lambda *args, **kwargs: None)  # the server is down
    amina = make_user("amina", email="amina@example.org")
    with app.test_request_context("/"):
        mail.send_mails([("amina@example.org", "News", "Hello"), ("chen@example.org", "News", "Hello")])
        db.session.commit()
        erase_account(amina)
        db.session.commit()
    assert db.session.scalars(sa.select(OutgoingMail.to_address)).all() == ["chen@example.org"]
    assert count(OutgoingMail) == 1
