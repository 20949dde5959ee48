"""Fixtures of the security tests: the mail the application sends, caught instead of sent."""

from __future__ import annotations

import re

import pytest

from consult.core import mail


class Outbox(list):
    """The messages sent during the test (``email.message.EmailMessage``), with a few readers."""

    def to(self, address: str) -> list:
        return [m for m in self if m["To"] == address]

    def body(self, message) -> str:
        return message.get_content()

    def links(self, message) -> list[str]:
        return re.findall(r"https?://\S+", self.body(message))


class _Catcher:
    """Stands for the SMTP connection of ``consult.core.mail``: keeps what it is given."""

    def __init__(self, sent):
        self.sent = sent

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        self.sent.append(message)


@pytest.fixture
def outbox(app, monkeypatch):
    sent = Outbox()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setattr(mail, "_connect", lambda: _Catcher(sent))
    return sent
