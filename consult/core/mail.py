"""Outgoing mail over SMTP, through the task queue. Without ``MAIL_SERVER`` nothing is sent (many residents
have no email).

:func:`send_mail` and :func:`send_mails` keep messages in the outbox (table ``mail_outbox``) in the caller's
transaction; once it commits, ``mail.deliver`` tasks send them, up to :data:`BATCH` over one SMTP connection.
An action that rolls back sends nothing, and nobody waits for the mail server (a password-reset link neither:
the page says "sent" at once). The outbox keeps a message only until it is sent.

What is guaranteed, honestly: each message is sent once, except when the consumer dies in the instant between
the SMTP server's acceptance of a message and the commit that takes it out of the outbox (a few milliseconds):
then it is sent a second time, with the same ``Message-ID`` (mail programs that keep one copy per Message-ID
show it once). SMTP has no way to ask a server whether it already holds a message, so no sender can do
better. Each message is:

1. *claimed* by a task (``claim_token``: the task's queue id, the same for each of its retries;
   ``claimed_until``: now + ``MAIL_CLAIM_SECONDS``), in a transaction committed at once. A message claimed by
   another task that is still within its claim is left to it; a long batch renews its claim on what it has
   not sent yet when half the claim time has passed, so a slow server never lets a claim lapse under it;
2. sent over SMTP, outside any transaction (SQLite's write lock is never held while the mail server answers);
3. deleted from the outbox, committed at once: a retried batch finds only what is left to send.

A consumer killed between 1 and 3 leaves a claimed message whose task huey has already taken off its queue.
``mail.recover`` (when the consumer starts) enqueues each such message again for when its claim lapses, and
``mail.requeue`` (every minute) enqueues messages whose claim has lapsed and messages left unclaimed for
``MAIL_REQUEUE_MINUTES`` (a server process that died between its commit and the enqueue, a queue storage that
was down). A temporary failure (the server is down) keeps the claim until the retry, with backoff; an address
the server refuses fails that message alone, kept for the administrators (``/admin/tasks``), and the batch
goes on. Failures are logged by the class of the error, never with an address or a body.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from huey import crontab
from sqlalchemy.orm import Mapped, mapped_column

from consult.core import tasks
from consult.core.models import utcnow
from consult.core.personal_data import register_eraser
from consult.extensions import db

log = logging.getLogger(__name__)

#: messages sent over one SMTP connection, by one task
BATCH = 50


class OutgoingMail(db.Model):
    """A message waiting to be sent (deleted once sent)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: the same for each sending of this message
    message_id: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    #: the queue id of the task sending it, and until when that task holds it
    claim_token: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: the server refused it, or every retry failed: it waits for an administrator (retry or discard)
    failed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message once the current transaction commits; False when mail is off."""
    return send_mails([(to, subject, body)]) == 1


def send_mails(batch: list[tuple[str, str, str]]) -> int:
    """Send ``(to, subject, body)`` messages once the current transaction commits, :data:`BATCH` per SMTP
    connection; returns how many were put in the outbox (none when mail is off)."""
    batch = [item for item in batch if item[0]]
    if not batch or not mail_enabled():
        return 0
    domain = urlsplit(current_app.config.get("BASE_URL") or "").hostname or "localhost"
    rows = [OutgoingMail(to_address=to, subject=subject[:300], body=body,
                         message_id=make_msgid(domain=domain)) for to, subject, body in batch]
    db.session.add_all(rows)
    db.session.flush()
    ids = [row.id for row in rows]
    for start in range(0, len(ids), BATCH):
        deliver.enqueue(ids[start:start + BATCH])
    return len(rows)


def _message(row) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message.set_content(row.body)
    return message


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=10)
    try:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


# The claim, the sent marker and a refusal are committed at once, each in a short transaction of the task's
# session: the one place where a task commits more than once, on purpose (see the module's docstring).
_table = OutgoingMail.__table__


def _claim(ids: list[int], token: str) -> list:
    now = utcnow()
    until = now + timedelta(seconds=int(current_app.config["MAIL_CLAIM_SECONDS"]))
    db.session.execute(_table.update().where(
        _table.c.id.in_(ids), _table.c.failed_at.is_(None),
        sa.or_(_table.c.claimed_until.is_(None), _table.c.claimed_until < now, _table.c.claim_token == token),
    ).values(claim_token=token, claimed_until=until))
    rows = db.session.execute(sa.select(_table).where(_table.c.id.in_(ids), _table.c.claim_token == token)
                              .order_by(_table.c.id)).all()
    db.session.commit()
    return rows


def _sent(message_id: int) -> None:
    db.session.execute(_table.delete().where(_table.c.id == message_id))
    db.session.commit()


def _hold(ids: list[int], token: str, seconds: float) -> None:
    """Keep the claim on what is left until the retry (and its own claim time) is over."""
    until = utcnow() + timedelta(seconds=seconds + int(current_app.config["MAIL_CLAIM_SECONDS"]))
    db.session.execute(_table.update().where(_table.c.id.in_(ids), _table.c.claim_token == token)
                       .values(claimed_until=until))
    db.session.commit()


def _refused(err: smtplib.SMTPException) -> bool:
    """The server refused this message for good (its address, its content): the others may still go."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(err, smtplib.SMTPDataError) and 500 <= err.smtp_code < 600


def _fail_one(message_id: int, err: BaseException) -> None:
    tasks.record_failure(deliver.name, [[message_id]], 1, type(err).__name__)
    _mark_failed([message_id])
    db.session.commit()
    log.warning("mail not sent: %s", type(err).__name__)


def _mark_failed(ids: list[int]) -> None:
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.id.in_(ids))
                       .values(failed_at=utcnow(), claim_token=None, claimed_until=None))
    db.session.flush()


def _unmark_failed(ids: list[int]) -> None:
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.id.in_(ids)).values(failed_at=None))
    db.session.flush()


def _drop(ids: list[int]) -> None:
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.id.in_(ids)))
    db.session.flush()


@tasks.task("mail.deliver", retries=8, retry_delay=30, backoff=2,
            given_up=_mark_failed, discarded=_drop, retried=_unmark_failed)
def deliver(message_ids: list[int]) -> None:
    """Send the outbox's messages ``message_ids`` over one connection, each at most once (see the module)."""
    if not mail_enabled():
        return
    attempt = tasks.current()
    claimed = _claim(message_ids, attempt.id)
    if not claimed:
        return
    left = [row.id for row in claimed]
    try:
        smtp = _connect()
        with smtp:
            _send_all(smtp, claimed, left, attempt.id)
    except (OSError, smtplib.SMTPException) as err:
        log.warning("mail not sent: %s (%d of %d left)", type(err).__name__, len(left), len(claimed))
        _hold(left, attempt.id, attempt.retry_delay)
        raise tasks.TaskError(err) from None


def _send_all(smtp, claimed: list, left: list[int], token: str) -> None:
    """Send each claimed message, taking it off ``left`` once it is sent (or refused). A long batch renews
    its claim on what it has not sent yet when half the claim time has passed, and skips what another task
    took meanwhile (a claim that lapsed all the same)."""
    lease = int(current_app.config["MAIL_CLAIM_SECONDS"])
    renew_at = time.monotonic() + lease / 2
    for row in claimed:
        if time.monotonic() >= renew_at:
            mine = {r.id for r in _claim(left, token)}
            left[:] = [message_id for message_id in left if message_id in mine]
            renew_at = time.monotonic() + lease / 2
        if row.id not in left:
            continue
        try:
            smtp.send_message(_message(row))
        except smtplib.SMTPException as err:
            if not _refused(err):
                raise
            _fail_one(row.id, err)
        else:
            _sent(row.id)
        left.remove(row.id)


def _unsent(*conditions):
    return db.session.scalars(sa.select(OutgoingMail.id).where(OutgoingMail.failed_at.is_(None), *conditions)
                              .order_by(OutgoingMail.id)).all()


@tasks.task("mail.recover", retries=0, at_start=True, read_only=True)
def recover() -> None:
    """The consumer starts: a message claimed by a task that was killed goes back on the queue, for when its
    claim lapses (its holder, if alive after all, finishes it first and the new task finds nothing)."""
    now = utcnow()
    rows = db.session.execute(sa.select(OutgoingMail.id, OutgoingMail.claimed_until).where(
        OutgoingMail.failed_at.is_(None), OutgoingMail.claimed_until >= now)).all()
    for message_id, until in rows:
        deliver.enqueue([message_id], delay=max((until - now).total_seconds(), 0) + 1)
    requeue()


@tasks.periodic("mail.requeue", crontab(minute="*"), read_only=True)
def requeue() -> None:
    """Every minute: messages whose claim lapsed, or that no task took for ``MAIL_REQUEUE_MINUTES``."""
    now = utcnow()
    stale = now - timedelta(minutes=int(current_app.config["MAIL_REQUEUE_MINUTES"]))
    ids = _unsent(sa.or_(OutgoingMail.claimed_until < now,
                         sa.and_(OutgoingMail.claimed_until.is_(None), OutgoingMail.created_at < stale)))
    for start in range(0, len(ids), BATCH):
        deliver.enqueue(ids[start:start + BATCH])


def _erase(user) -> None:
    """An erased account's address leaves the outbox with it."""
    if user.email:
        db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.to_address == user.email))


register_eraser("mail_outbox", _erase)
