"""The audit log: who did what to which object, for staff accountability.

Entries never hold document numbers, passwords, ballot choices or IP addresses. ``details`` holds only the
facts a rule asks to keep (e.g. a verification method), never copies of personal data.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.models import utcnow
from consult.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: when it happened (UTC)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    #: the account that acted (null for the system or an erased account)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: a dotted verb such as ``residency.verified`` or ``accounts.role_granted``
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    #: the kind and id of the object acted on
    subject_type: Mapped[str | None] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column(sa.Integer)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)

    actor = db.relationship("User", foreign_keys=[actor_id], lazy="joined")


def record(action: str, *, actor=None, subject=None, **details) -> AuditEntry:
    """Add an audit entry in the current transaction."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=type(subject).__name__.lower() if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry
