"""Absolute URLs for links that leave the site: mail, feeds, calendars, QR codes, the API index.

They are built from the configured ``BASE_URL`` (``CONSULT_BASE_URL``), never from the request: a request's
``Host`` header is chosen by whoever sends it, and a password-reset mail built from it would carry the
attacker's host. :func:`external_url` is the one way to build such a link; ``url_for(..., _external=True)``
is not used anywhere in the application.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app

#: host names of this machine: a base URL on one of them trusts them all (``make run``, ``flask run``)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def parse_base_url(value: str) -> tuple[str, str, str]:
    """``(scheme, host[:port], path prefix)`` of a base URL; ``ValueError`` for anything but http(s)://host[/path]."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ValueError(f"CONSULT_BASE_URL must look like https://consult.example.org (got {value!r})")
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


def base_host() -> str:
    """The configured host name, without port (for calendar UIDs and the like)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "consult"


def external_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """The absolute URL of ``endpoint`` under the configured base URL, whatever host the request named.

    Works with or without a request (mail sent after a commit, CLI commands). ``endpoint`` is the full name
    (``"proposals.show"``); values of ``None`` are left out, unknown values become the query string.
    """
    app = current_app
    scheme, netloc, prefix = parse_base_url(app.config["BASE_URL"])
    values = {key: value for key, value in values.items() if value is not None}
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(netloc, script_name=prefix or "/", url_scheme=scheme)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url
