"""Outgoing mail over SMTP. Without ``MAIL_SERVER`` nothing is sent (many residents have no email).

:func:`send_mail` sends one message while the request waits (a password-reset link: the person waits for it).
:func:`send_later` sends a batch of notification messages over one SMTP connection in a background thread,
so posting a comment on a proposal with many followers does not wait for the mail server.
"""

from __future__ import annotations

import atexit
import logging
import smtplib
import threading
import time
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _send(messages: list[EmailMessage]) -> int:
    """Send over one SMTP connection; returns how many were accepted. Failures are logged without the address
    or the body, and never raise."""
    cfg = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=10) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPRecipientsRefused as exc:  # one bad address does not stop the others
                    log.warning("mail not sent: %s", type(exc).__name__)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail not sent: %s (%d of %d sent)", type(exc).__name__, sent, len(messages))
    return sent


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message now; returns False when mail is off or the server refused it."""
    if not mail_enabled() or not to:
        return False
    return _send([_message(to, subject, body)]) == 1


_outbox: set[threading.Thread] = set()
_outbox_lock = threading.Lock()


def send_later(batch: list[tuple[str, str, str]]) -> None:
    """Send ``(to, subject, body)`` messages in a background thread, over one connection (``MAIL_BACKGROUND``
    False sends them at once, in the caller's thread)."""
    batch = [item for item in batch if item[0]]
    if not batch or not mail_enabled():
        return
    messages = [_message(*item) for item in batch]
    if not current_app.config.get("MAIL_BACKGROUND", True):
        _send(messages)
        return
    app = current_app._get_current_object()

    def run():
        try:
            with app.app_context():
                _send(messages)
        finally:
            with _outbox_lock:
                _outbox.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="consult-mail", daemon=True)
    with _outbox_lock:
        _outbox.add(thread)
    thread.start()


def wait_for_outbox(timeout: float = 10.0) -> bool:
    """Wait until every background batch is sent (tests, and the CLI before it exits); False on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with _outbox_lock:
            pending = list(_outbox)
        if not pending:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        pending[0].join(remaining)


atexit.register(wait_for_outbox)  # a command that commits notifications lets their mail leave before it exits
