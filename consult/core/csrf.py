"""CSRF tokens masked per response, so that gzip cannot give them away (BREACH).

Pages are compressed (``consult.core.compression``) and carry the CSRF token (the ``X-CSRFToken`` of htmx in
``base.html``, the hidden field of every form). Were the token the same bytes in every answer, an attacker who
can make a victim's browser fetch pages that reflect chosen text could learn it a character at a time from
the compressed sizes. So each answer carries the session's secret under a fresh one-time pad: the token is
``base64url(pad + (pad XOR secret))``, its bytes differ in every answer, and checking it takes the pad off and
hands the secret to Flask-WTF's own check (compared with the session's in constant time). Every token of one
answer is the same (a page and the cached comment thread inside it carry one token); any token of any answer
of the session validates.

The secret is Flask-WTF's (``session["csrf_token"]``, 20 random bytes in hex), so the tokens of pages opened
before masking existed (Flask-WTF's signed form, ``payload.time.signature``: never base64url alone, it has
dots) still go to Flask-WTF's check as they are, and are accepted while they validate.

:data:`csrf` is Flask-WTF's ``CSRFProtect`` as the platform uses it (``create_app`` initialises it): the same
hook before every POST, PUT, PATCH and DELETE, the same headers, exemptions and errors, with these tokens.
"""

from __future__ import annotations

import base64
import binascii
import os

from flask import current_app, g, session
from flask_wtf import csrf as wtf_csrf
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup, escape

#: the session secret's length in bytes (Flask-WTF makes a SHA-1 hex digest: 40 hex digits)
SECRET_BYTES = 20
#: Flask-WTF's salt for signing the secret
SIGNING_SALT = "wtf-csrf-token"
#: a masked token: pad and masked secret, base64url without padding
TOKEN_LENGTH = len(base64.urlsafe_b64encode(bytes(2 * SECRET_BYTES)).rstrip(b"="))


def _field_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _session_secret() -> bytes:
    """The session's secret as bytes; a new one is kept in the session when there is none."""
    field = _field_name()
    try:
        secret = bytes.fromhex(session.get(field) or "")
    except (TypeError, ValueError):
        secret = b""
    if len(secret) != SECRET_BYTES:
        secret = os.urandom(SECRET_BYTES)
        session[field] = secret.hex()
    return secret


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def mask(secret: bytes) -> str:
    """``secret`` under a fresh random pad: the bytes differ at every call."""
    pad = os.urandom(len(secret))
    return base64.urlsafe_b64encode(pad + _xor(pad, secret)).rstrip(b"=").decode("ascii")


def unmask(token: str) -> bytes | None:
    """The secret a masked token carries, or None when ``token`` is not one."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    pad, masked = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    return _xor(pad, masked) if len(masked) == SECRET_BYTES else None


def generate_csrf() -> str:
    """This answer's token: the session's secret under a pad drawn once per answer (every form and header of
    one page carry the same token; the next answer carries other bytes)."""
    if "_masked_csrf_token" not in g:
        g._masked_csrf_token = mask(_session_secret())
    return g._masked_csrf_token


def csrf_meta_tag() -> Markup:
    name = current_app.config.get("WTF_CSRF_META_NAME", "csrf-token")
    return Markup(f'<meta name="{escape(name)}" content="{escape(generate_csrf())}">')


def as_signed(token):
    """The token Flask-WTF's check reads: a masked token becomes the secret it carries, signed the way
    Flask-WTF signs it (now, so that it never counts as expired); anything else (the signed token of a page
    opened before masking, a forged or damaged one) stays as it came, for Flask-WTF to accept or refuse."""
    secret = unmask(token) if token and "." not in token else None  # base64url has no dots; signed tokens do
    if secret is None:
        return token
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    return URLSafeTimedSerializer(key, salt=SIGNING_SALT).dumps(secret.hex())


class MaskedCSRFProtect(wtf_csrf.CSRFProtect):
    """``CSRFProtect`` whose templates get masked tokens and whose check unmasks them first; the check itself
    is Flask-WTF's (the session's secret compared in constant time, the referrer over HTTPS, the same
    exemptions and errors)."""

    def init_app(self, app):
        super().init_app(app)
        # Flask-WTF's context processor would hand templates its unmasked token: ours replaces it
        processors = app.template_context_processors[None]
        processors[:] = [f for f in processors if getattr(f, "__module__", None) != wtf_csrf.__name__]
        helpers = {"csrf_token": generate_csrf, "csrf_meta_tag": csrf_meta_tag}
        app.jinja_env.globals.update(helpers)
        app.context_processor(lambda: helpers)

    def _get_csrf_token(self):
        return as_signed(super()._get_csrf_token())


csrf = MaskedCSRFProtect()
