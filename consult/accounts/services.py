"""Account services: sign-up, sign-in sessions, profile, passwords, reset codes and role grants.

Services flush and raise :class:`~consult.core.errors.DomainError`; the request commits once at its end.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from consult.accounts.models import GLOBAL_ROLES, ResetCode, RoleGrant, User, UserSession
from consult.accounts.passwords import hash_password, needs_rehash, verify_password
from consult.core import audit
from consult.core.db import read_connection
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db

RESET_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip()
    return email.lower() if email else None


def get_user_by_username(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))


#: what no two accounts share, and what is said when a second one asks for it
UNIQUE = (("username", _l("This username is already taken. Please choose another one.")),
          ("email", _l("This email address is already used by another account.")))


def _check_unique(username: str | None = None, email: str | None = None, exclude: User | None = None) -> None:
    wanted = {"username": username, "email": email}
    for field, message in UNIQUE:
        if wanted[field] is None:
            continue
        q = sa.select(User.id).where(getattr(User, field) == wanted[field])
        if exclude is not None:
            q = q.where(User.id != exclude.id)
        if db.session.scalar(q) is not None:
            raise Conflict(message, field=field)


def sign_up(username: str, display_name: str, password: str, language: str = "en",
            email: str | None = None) -> User:
    """Create an account. Only a username, a pseudonym, a language and (optionally) an email are asked."""
    username = normalise_username(username)
    email = normalise_email(email)
    _check_unique(username=username, email=email)
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email,
        language=language if language in current_app.config["LANGUAGES"] else "en",
        password_hash=hash_password(password),
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        # a concurrent sign-up took the name between the check and the insert
        raise Conflict(_l("This username is already taken. Please choose another one."),
                       field="username") from None
    return user


def authenticate(username: str, password: str) -> User:
    """Return the person for these credentials, or refuse without saying which part was wrong.

    The slow password check runs on a short read of its own, before the request's write transaction starts,
    so that on SQLite it never holds the single write lock.
    """
    with read_connection() as conn:
        row = conn.execute(
            sa.select(User.id, User.password_hash, User.deleted_at)
            .where(User.username == normalise_username(username))
        ).first()
    valid = verify_password(row.password_hash if row else None, password)
    if not valid or row is None or row.deleted_at is not None:
        raise DomainError(_l("The username or password is not correct."))
    user = db.session.get(User, row.id)
    if user is None or user.password_hash != row.password_hash:  # changed meanwhile: ask again
        raise DomainError(_l("The username or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User) -> str:
    """Open a server-side session row for one browser and return its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user.id))
    user.last_sign_in_at = utcnow()
    user._session_token = token
    db.session.flush()
    return token


def end_session(token: str | None) -> None:
    """Sign one browser out for good: the row goes, so a copied cookie no longer signs anyone in."""
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token == token))


def end_all_sessions(user: User) -> None:
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def load_session_user(token: str) -> User | None:
    """Flask-Login's loader: the person behind a session token (one query)."""
    row = db.session.execute(
        sa.select(User).join(UserSession, UserSession.user_id == User.id).where(UserSession.token == token)
    ).scalar_one_or_none()
    if row is None or row.is_deleted:
        return None
    row._session_token = token
    return row


def update_profile(user: User, *, display_name: str, language: str, email: str | None) -> User:
    """Change the pseudonym, language and email (an email may be removed: it is optional)."""
    email = normalise_email(email)
    _check_unique(email=email, exclude=user)
    user.display_name = display_name.strip()
    if language in current_app.config["LANGUAGES"]:
        user.language = language
    user.email = email
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, *, keep_session: str | None = None) -> None:
    """Change the password after checking the current one; other browsers are signed out."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("Your current password is not correct."), field="current_password")
    set_password(user, new, keep_session=keep_session)


def set_password(user: User, new: str, *, keep_session: str | None = None) -> None:
    user.password_hash = hash_password(new)
    q = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_session:
        q = q.where(UserSession.token != keep_session)
    db.session.execute(q)
    db.session.flush()


def _code_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def issue_reset_code(user: User, staff: User) -> str:
    """Make a one-time reset code for a person without email; the plaintext is returned once, to print."""
    raw = "".join(secrets.choice(RESET_CODE_ALPHABET) for _ in range(12))
    lifetime = timedelta(hours=int(current_app.config["RESET_CODE_LIFETIME_HOURS"]))
    db.session.execute(
        sa.update(ResetCode).where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    db.session.add(ResetCode(user_id=user.id, code_hash=_code_hash(raw), expires_at=utcnow() + lifetime,
                             issued_by_id=staff.id))
    audit.record("accounts.reset_code_issued", actor=staff, subject=user)
    db.session.flush()
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def redeem_reset_code(username: str, code: str, new_password: str) -> User:
    """Set a new password with a staff-issued code; the code works once and all sessions end."""
    user = get_user_by_username(username)
    digest = _code_hash(code)
    row = None
    if user is not None:
        row = db.session.scalar(
            sa.select(ResetCode).where(ResetCode.user_id == user.id, ResetCode.code_hash == digest)
        )
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise DomainError(_l("This reset code is not valid. It may have expired or been used already."),
                          field="code")
    claimed = db.session.execute(
        sa.update(ResetCode).where(ResetCode.id == row.id, ResetCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise DomainError(_l("This reset code is not valid. It may have expired or been used already."),
                          field="code")
    set_password(user, new_password)
    return user


# --- password reset by mail ------------------------------------------------------------------------------
#
# The mailed link carries a random token; only its HMAC is stored (a ``ResetCode`` row without an issuer, in a
# hash space of its own: staff codes are hashed after removing every non-alphanumeric character, link hashes
# include one). The first GET of the link claims the row, so the link works once and within
# ``RESET_LINK_MINUTES``; the browser that opened it keeps a short grant in its (signed) session and the token
# leaves the address bar (see the views). The grant is tied to the password it replaces, so it works once too.

#: minutes the browser that opened a reset link has to choose the new password
RESET_GRANT_MINUTES = 15
RESET_LINK_INVALID = _l("This reset link is not valid any more. Please ask for a new one.")


def _link_hash(token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"reset-link:" + token.encode(), hashlib.sha256).hexdigest()


def _password_fingerprint(user: User) -> str:
    """A short HMAC of the current password hash: it changes with the password (the hash itself stays
    here)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"password:" + (user.password_hash or "").encode(), hashlib.sha256).hexdigest()[:24]


def password_reset_token(user: User) -> str:
    """Make a single-use reset link token for ``user`` (valid ``RESET_LINK_MINUTES``); only its hash is
    kept."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(minutes=int(current_app.config["RESET_LINK_MINUTES"]))
    db.session.add(ResetCode(user_id=user.id, code_hash=_link_hash(token), expires_at=utcnow() + lifetime))
    db.session.flush()
    return token


def claim_reset_link(token: str) -> dict:
    """Use up a mailed reset link (the first opening wins) and return the grant the browser keeps
    meanwhile."""
    row = db.session.scalar(sa.select(ResetCode).where(ResetCode.code_hash == _link_hash(token or "")))
    user = db.session.get(User, row.user_id) if row is not None else None
    if row is None or row.issued_by_id is not None or row.used_at is not None or row.expires_at < utcnow() \
            or user is None or user.is_deleted:
        raise DomainError(RESET_LINK_INVALID)
    claimed = db.session.execute(
        sa.update(ResetCode).where(ResetCode.id == row.id, ResetCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise DomainError(RESET_LINK_INVALID)
    return {"u": user.id, "p": _password_fingerprint(user),
            "until": int(time.time()) + RESET_GRANT_MINUTES * 60}


def reset_with_grant(grant: dict | None, new_password: str) -> User:
    """Set the new password with the grant of :func:`claim_reset_link`; all sessions end."""
    if not isinstance(grant, dict) or not isinstance(grant.get("until"), int) or grant["until"] < time.time():
        raise DomainError(RESET_LINK_INVALID)
    user = db.session.get(User, grant.get("u")) if isinstance(grant.get("u"), int) else None
    if user is None or user.is_deleted or not hmac.compare_digest(_password_fingerprint(user),
                                                                  str(grant.get("p"))):
        raise DomainError(RESET_LINK_INVALID)
    set_password(user, new_password)
    return user


# --- email addresses ------------------------------------------------------------------------------------
#
# Whether an address belongs to an account is nobody's business but its owner's. So an address typed at
# sign-up or in the profile is never attached at once and never refused as "already used": a message goes to
# the address (a link to confirm it, or, when it belongs to another account, a word to its owner), and the
# page answers the same either way.


def _email_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="consult.email-confirm")


def _email_state(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"email:" + (user.email or "").encode(), hashlib.sha256).hexdigest()[:16]


def email_owner(email: str, *, exclude: User | None = None) -> User | None:
    q = sa.select(User).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    if exclude is not None:
        q = q.where(User.id != exclude.id)
    return db.session.scalar(q)


def offer_email(user: User, email: str) -> None:
    """Mail ``email``: a confirmation link for ``user``, or, when another account has the address, a notice
    to that account's owner. The caller answers the same way in both cases."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from consult.core.mail import send_mail
    from consult.core.urls import external_url

    email = normalise_email(email)
    if not email:
        return
    platform = current_app.config["PLATFORM_NAME"]
    owner = email_owner(email, exclude=user)
    if owner is not None:
        with force_locale(owner.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(email, _("Someone tried to use your email address on %(platform)s", platform=platform),
                      _("Someone tried to add this email address to another account on %(platform)s. It is "
                        "already the address of your account %(name)s, and it stays so: nothing has "
                        "changed.\n\nIf it was you, you already have an account. If you have forgotten its "
                        "password, ask for a new one here:\n\n%(link)s\n\nIf it was not you, you can ignore "
                        "this message.",
                        platform=platform, name=owner.username, link=external_url("accounts.reset_request")))
        return
    token = _email_serializer().dumps({"u": user.id, "e": email, "s": _email_state(user)})
    send_mail(email, _("Confirm your email address on %(platform)s", platform=platform),
              _("Someone, we hope you, asked to use this email address for the account %(name)s on "
                "%(platform)s. To confirm it, open this link within %(hours)s hours:\n\n%(link)s\n\n"
                "If it was not you, you can ignore this message: the address will not be used.",
                name=user.username, platform=platform, hours=int(current_app.config["EMAIL_CONFIRM_HOURS"]),
                link=external_url("accounts.confirm_email", token=token)))


def read_email_token(token: str) -> tuple[User, str]:
    """The account and address of a confirmation link, or a refusal (expired, altered, or the account's
    address changed since the link was sent)."""
    refusal = DomainError(_l("This confirmation link is not valid any more. You can enter the address in "
                             "your profile again to get a new one."))
    max_age = int(current_app.config["EMAIL_CONFIRM_HOURS"]) * 3600
    try:
        data = _email_serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        raise refusal from None
    user = (db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int)
            else None)
    if user is None or user.is_deleted or data.get("s") != _email_state(user) or not data.get("e"):
        raise refusal
    return user, data["e"]


def confirm_email(token: str) -> User:
    """Attach the address of a confirmation link to its account (the link came to that mailbox)."""
    user, email = read_email_token(token)
    if email_owner(email, exclude=user) is not None:
        raise Conflict(_l("This email address is already used by another account."))
    user.email = email
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("This email address is already used by another account.")) from None
    return user


def grant_role(user: User, role: str, *, by: User | None = None, scope_type: str | None = None,
               scope_id: int | None = None) -> RoleGrant:
    """Give a role (idempotent). Platform-wide roles are limited to the known list."""
    if scope_type is None and role not in GLOBAL_ROLES:
        raise DomainError(_l("Unknown role."), field="role")
    for grant in user.grants:
        if grant.role == role and grant.scope_type == scope_type and grant.scope_id == scope_id:
            return grant
    grant = RoleGrant(role=role, scope_type=scope_type, scope_id=scope_id,
                      granted_by_id=getattr(by, "id", None))
    user.grants.append(grant)
    audit.record("accounts.role_granted", actor=by, subject=user, role=role, scope_type=scope_type,
                 scope_id=scope_id)
    db.session.flush()
    return grant


def revoke_role(user: User, role: str, *, by: User | None = None, scope_type: str | None = None,
                scope_id: int | None = None) -> None:
    for grant in list(user.grants):
        if grant.role == role and grant.scope_type == scope_type and grant.scope_id == scope_id:
            if role == "admin" and by is not None and by.id == user.id:
                raise DomainError(_l("You cannot remove your own administrator role."))
            user.grants.remove(grant)
            audit.record("accounts.role_revoked", actor=by, subject=user, role=role, scope_type=scope_type,
                         scope_id=scope_id)
    db.session.flush()
