"""Static files' addresses name their content: ``url_for("static", filename="css/consult.css")`` is
``/static/css/consult.css?v=<digest of the file>``.

A reverse proxy (``deploy/nginx/``) or a browser may then keep a versioned file for a year without asking
again: a file that changes gets a new address, so a release never leaves an old style sheet or script in
anyone's cache. The digest is read once per file and process, and again only when the file's size or
modification time changes (a development server's edits show at once).
"""

from __future__ import annotations

import hashlib
import os
import threading

from werkzeug.security import safe_join

#: path → ((modification time, size), digest)
_digests: dict[str, tuple[tuple[int, int], str]] = {}
_lock = threading.Lock()


def digest(folder: str, filename: str) -> str | None:
    """A short digest of the static file's content, or None when there is no such file."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _digests.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    with open(path, "rb") as fh:
        value = hashlib.blake2b(fh.read(), digest_size=6).hexdigest()
    with _lock:
        _digests[path] = (stamp, value)
    return value


def init_app(app) -> None:
    """Every ``url_for("static", ...)`` of ``app`` carries ``v=<digest>`` (unless the call gives one)."""

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "v" not in values and app.static_folder and values.get("filename"):
            version = digest(app.static_folder, values["filename"])
            if version:
                values["v"] = version
