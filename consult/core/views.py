"""Home, privacy notice, language switch, health check and the icon at the site's root."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import current_app, jsonify, request, send_from_directory, url_for

from consult.core import bp
from consult.core.i18n import apply_language_switch
from consult.core.rendering import redirect_to, render, safe_next
from consult.extensions import db


@bp.route("/")
def home():
    """The front page: what the platform is for, and where to start."""
    return render("core/home.html")


@bp.route("/privacy")
def privacy():
    """What is stored, why, for how long, and what is never asked."""
    return render("core/privacy.html")


@bp.route("/language/<lang>")
def switch_language(lang):
    """Switch language without JavaScript; the choice is kept in the session (and the profile if
    signed in)."""
    apply_language_switch(lang)
    return redirect_to(safe_next(request.args.get("next"), url_for("core.home")))


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers (and feed readers, bookmarks) ask for at the site's root, for pages or files that
    name none: the platform's icon (``static/img/icon.svg``) as a 16, 32 and 48 pixel ICO file."""
    return send_from_directory(os.path.join(current_app.static_folder, "img"), "favicon.ico",
                               mimetype="image/vnd.microsoft.icon")


@bp.route("/healthz")
def healthz():
    """Liveness and database check for load balancers; never cached, never rate-limited."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        response = jsonify(status="error", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response

