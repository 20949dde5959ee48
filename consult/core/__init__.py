"""Cross-cutting pieces: the policy engine, rendering, text, errors, audit log, i18n and the public pages."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from consult.core import task_views, views  # noqa: E402,F401
