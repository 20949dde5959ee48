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


@pytest.fixture
def outbox(app, monkeypatch):
    sent = Outbox()

    def capture(messages):
        sent.extend(messages)
        return len(messages)

    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setitem(app.config, "MAIL_BACKGROUND", False)
    monkeypatch.setattr(mail, "_send", capture)
    return sent
