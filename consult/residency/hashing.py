"""Normalising register facts and turning them into one-way fingerprints.

A document is identified by ``type|NUMBER|YYYY-MM-DD``: the type as one of :data:`DOCUMENT_TYPES`, the number
upper-cased with spaces, dashes, dots and slashes removed, the birth date in ISO form. Only
``HMAC-SHA256(RESIDENCE_HMAC_KEY, that text)`` is ever stored. Error messages built here never contain the
number (they name the problem, not the value).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.core import time
from consult.residency.models import DOCUMENT_TYPES

#: how people and registers write the document types (lower case, single spaces) → the stored key
TYPE_ALIASES = {
    "residence permit": "residence_permit",
    "residence card": "residence_permit",
    "permit": "residence_permit",
    "passport": "passport",
    "national identity card": "national_id",
    "national id card": "national_id",
    "national id": "national_id",
    "identity card": "national_id",
    "id card": "national_id",
    "local resident card": "resident_card",
    "resident card": "resident_card",
    "asylum seeker document": "asylum_document",
    "asylum document": "asylum_document",
    "asylum": "asylum_document",
    "other": "other",
    "other document": "other",
}

#: the date formats accepted in the register and in the form (said in the messages)
DATE_FORMATS_TEXT = "YYYY-MM-DD, DD/MM/YYYY"

_SEPARATORS = re.compile(r"[\s\-./_]+")


class InvalidFact(ValueError):
    """A value cannot be normalised. ``message`` is translated and never contains the value."""

    def __init__(self, message, field: str):
        super().__init__(str(field))
        self.message = message
        self.field = field


def document_type_labels() -> list[tuple[str, object]]:
    return [
        ("residence_permit", _l("Residence permit")),
        ("passport", _l("Passport")),
        ("national_id", _l("National identity card")),
        ("resident_card", _l("Local resident card")),
        ("asylum_document", _l("Asylum-seeker document")),
        ("other", _l("Other document")),
    ]


def normalise_type(value: str | None) -> str:
    text = " ".join(_SEPARATORS.sub(" ", (value or "").strip().lower()).split())
    key = text.replace(" ", "_")
    if key in DOCUMENT_TYPES:
        return key
    if text in TYPE_ALIASES:
        return TYPE_ALIASES[text]
    raise InvalidFact(_l("The document type is not one we know. Use one of: %(types)s.",
                         types=", ".join(DOCUMENT_TYPES)), "document_type")


DROP_SEPARATORS = str.maketrans("", "", " \t\r\n\f\v\u00a0-./_")


def normalise_number(value: str | None) -> str:
    number = (value or "").translate(DROP_SEPARATORS).upper()
    if not number:
        raise InvalidFact(_l("The document number is empty."), "document_number")
    if not (3 <= len(number) <= 40 and number.isascii() and number.isalnum()):
        raise InvalidFact(_l("The document number must have 3 to 40 letters or digits (spaces, dashes and "
                             "dots are ignored)."), "document_number")
    return number


def parse_birth_date(value: str | None, today: date | None = None) -> date:
    """Accept ``YYYY-MM-DD`` and ``DD/MM/YYYY`` only, and say so when the date is in another form."""
    text = (value or "").strip()
    born = None
    try:  # fast paths for the two usual spellings (the register import parses many dates)
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            born = date.fromisoformat(text)
        elif len(text) == 10 and text[2] == "/" and text[5] == "/" and text.replace("/", "").isdigit():
            born = date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        born = None
    if born is not None and 1880 <= born.year and born <= (today or time.today()):
        return born
    parts = text.split("-") if "-" in text else text.split("/")
    ok = len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts)
    if ok and "-" in text and len(parts[0]) == 4 and len(parts[1]) <= 2 and len(parts[2]) <= 2:
        year, month, day = (int(p) for p in parts)
    elif ok and "/" in text and len(parts[2]) == 4 and len(parts[0]) <= 2 and len(parts[1]) <= 2:
        day, month, year = (int(p) for p in parts)
    else:
        raise InvalidFact(_l("The birth date must be written as %(formats)s.", formats=DATE_FORMATS_TEXT),
                          "birth_date")
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidFact(_l("The birth date does not exist in the calendar."), "birth_date") from None
    if born.year < 1880 or born > (today or time.today()):
        raise InvalidFact(_l("The birth date is not possible."), "birth_date")
    return born


def _key() -> bytes:
    key = current_app.config["RESIDENCE_HMAC_KEY"]
    return key.encode() if isinstance(key, str) else key


class Hmac256:
    """HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once.

    The same result as ``hmac.digest(key, msg, "sha256")`` — a test checks it — but several times faster per
    value, because OpenSSL 3 sets up a new HMAC context slowly: the register import hashes 100,000 rows.
    """

    def __init__(self, key: bytes):
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def hasher() -> Hmac256:
    """A keyed HMAC-SHA256 for callers that hash many values."""
    return Hmac256(_key())


def document_digest(doc_type: str, number: str, born: date, *, base: Hmac256 | None = None) -> bytes:
    """HMAC-SHA256 of ``type|NUMBER|YYYY-MM-DD`` (already normalised values)."""
    return (base or hasher())(f"{doc_type}|{number}|{born.isoformat()}".encode())


def digest_of(doc_type: str, number: str, birth_date: str) -> bytes:
    """Normalise raw input and fingerprint it; raises :class:`InvalidFact` with a safe message."""
    return document_digest(normalise_type(doc_type), normalise_number(number), parse_birth_date(birth_date))


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from paper, read aloud


def random_code(length: int) -> str:
    """A new one-time code (resident-card or in-person) of ``length`` characters of :data:`CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def code_hash(kind: str, code: str) -> str:
    """Hex HMAC of a one-time code (``card`` or ``in_person``), so equal codes of two kinds never collide."""
    return hmac.new(_key(), f"{kind}|{normalise_code(code)}".encode(), hashlib.sha256).hexdigest()


def group_code(raw: str, size: int = 4) -> str:
    return "-".join(raw[i : i + size] for i in range(0, len(raw), size))
