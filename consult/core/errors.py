"""Domain errors raised by services. Views turn them into a translated message and a 4xx status."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``message`` is a translated (lazy) string shown to the person."""

    status_code = 422

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The policy engine refused the action."""

    status_code = 403


class Conflict(DomainError):
    """The action collides with the current state (already done, already taken, closed)."""

    status_code = 409


class NotFound(DomainError):
    status_code = 404
