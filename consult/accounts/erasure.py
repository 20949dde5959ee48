"""Deleting an account: personal data erased, contributions kept as a "former participant", ballots untouched.

Rules kept by :func:`erase_account`:

* every domain's eraser runs first (``consult.core.personal_data``): residency drops the verification and its
  register link, so the same person can verify a new account later;
* the account row stays (contributions point to it) but is scrubbed: username ``former-<id>``, display name,
  email and password hash gone, language back to the default, ``deleted_at`` set — ``User.public_name`` then
  reads "Former participant";
* sessions, role grants and reset codes are deleted, so every signed-in browser is signed out;
* ballots were never linked to anyone, so their secrecy is unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from consult.accounts.models import ResetCode, RoleGrant, User, UserSession
from consult.core import audit, personal_data
from consult.core.models import utcnow
from consult.extensions import db


def erase_account(user: User) -> None:
    """Erase ``user``'s personal data and end all their sessions. Flushes; the caller commits."""
    if user.is_deleted:
        return
    personal_data.erase_everywhere(user)
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(sa.delete(ResetCode).where(ResetCode.user_id == user.id))
    db.session.execute(sa.delete(RoleGrant).where(RoleGrant.user_id == user.id))
    db.session.expire(user, ["grants", "sessions"])
    user.username = f"former-{user.id}"
    user.display_name = f"former-{user.id}"
    user.email = None
    user.password_hash = None
    user.language = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    user.last_sign_in_at = None
    user.deleted_at = utcnow()
    audit.record("accounts.deleted", subject=user)
    db.session.flush()


def export_account(user: User) -> dict:
    """The account section of "download my data"."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "language": user.language,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None,
        "roles": [
            {"role": g.role, "scope_type": g.scope_type, "scope_id": g.scope_id} for g in user.grants
        ],
        "signed_in_browsers": db.session.scalar(
            sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        ),
    }


personal_data.register_exporter("account", export_account)
