"""Accounts: a pseudonymous person, their sessions, role grants and staff-issued reset codes.

By design there is no field for nationality, citizenship or legal status, and none may be added.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import HashedCodeMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db

#: roles that are granted without a scope (platform-wide)
GLOBAL_ROLES = ("admin", "registrar", "moderator", "translator")


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sign-in name, lower case, unique; replaced by ``former-<id>`` when the account is deleted
    username: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    #: the pseudonym shown next to contributions
    display_name: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: optional: only for notifications and password reset
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: interface language preference (one of the configured LANGUAGES)
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="en")
    #: set by moderators; a blocked person can read but not contribute
    is_blocked: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: when the person deleted their account (personal data erased, contributions anonymised)
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", foreign_keys="RoleGrant.user_id"
    )
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    #: Flask-Login identifies a signed-in browser by its session row, not by the user id
    _session_token = None

    def get_id(self) -> str | None:
        return self._session_token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        from flask_babel import gettext

        return gettext("Former participant") if self.is_deleted else self.display_name

    def has_role(self, role: str, scope_type: str | None = None, scope_id: int | None = None) -> bool:
        """True when the person holds ``role`` for this scope (``None`` scope: platform-wide)."""
        return any(
            g.role == role and g.scope_type == scope_type and g.scope_id == scope_id for g in self.grants
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class RoleGrant(TimestampMixin, db.Model):
    """A person × role × scope: admin, registrar, moderator (of everything or of one debate), translator..."""

    __tablename__ = "role_grant"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "scope_type", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("user.id")
    role: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: ``None`` for platform-wide roles, else the kind of object (``council``, ``debate``, ``process``)
    scope_type: Mapped[str | None] = mapped_column(sa.String(30))
    scope_id: Mapped[int | None] = mapped_column(sa.Integer)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


class UserSession(db.Model):
    """One signed-in browser. Signing out deletes the row, so a copied cookie stops working."""

    __tablename__ = "user_session"

    #: random token kept (signed) in the session cookie
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = parent_key("user.id")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship(back_populates="sessions")


class ResetCode(HashedCodeMixin, db.Model):
    """A one-time password reset: a code issued by staff to a person without email (``issued_by_id`` set), or
    the token of a mailed reset link (no issuer; see ``services.password_reset_token``). Only a keyed hash is
    kept; the two kinds are hashed differently, so neither works in the other's place."""

    __tablename__ = "reset_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("user.id")
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
