"""Consult: local democracy for everyone who lives in the city.

``create_app`` wires configuration, extensions, blueprints, CLI commands and error handlers — nothing else.
"""

from __future__ import annotations

import os

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the application. ``config`` overrides everything else (tests use it)."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("CONSULT_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path or None)

    from consult import config as configuration

    configuration.configure(app, config)
    from consult.core.security import trust_proxies

    trust_proxies(app)
    # before any route is added: an id in a URL beyond what a database column holds is simply not found
    from consult.core.routing import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter

    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)

    from consult.core import error_pages

    error_pages.register(app)

    from consult import cli

    cli.register(app)
    return app


#: gzip for text responses (gunicorn does not compress); Flask's static files are streamed, so gzip for
#: streams too
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "application/atom+xml", "application/xml", "text/xml",
                           "image/svg+xml"],
}


def _init_extensions(app: Flask) -> None:
    from consult.core import db as _sqlite_setup  # noqa: F401 - registers the SQLite engine events
    from consult.core import static_files, templating
    from consult.core.compression import compress
    from consult.core.csrf import csrf
    from consult.core.i18n import select_locale, text_direction
    from consult.extensions import babel, db, htmx, limiter, login_manager, migrate

    # first registered, so its after_request runs last: gzip of the final body (HTML, CSS, JS, JSON, feeds);
    # never server-sent events (text/event-stream is not in the list) nor PDFs, CSV or images
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    htmx.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = "basic"

    from consult.accounts.services import load_session_user

    login_manager.user_loader(load_session_user)
    templating.init_app(app)
    static_files.init_app(app)  # /static/… addresses carry their content's digest (cached for a year)
    app.jinja_env.globals["text_direction"] = text_direction


#: domain packages, in dependency order; each has a blueprint ``bp`` (see the module map in the README)
DOMAINS = (
    "core", "accounts", "residency", "geo", "notifications", "moderation", "comments", "processes",
    "proposals", "votes", "councils", "meetings", "elections", "lotteries", "debates", "minutes", "outcomes",
    "budgets", "surveys", "api",
)


def _register_blueprints(app: Flask) -> None:
    import importlib

    for name in DOMAINS:
        module = importlib.import_module(f"consult.{name}")
        app.register_blueprint(module.bp)


def _register_hooks(app: Flask) -> None:
    from flask import request

    from consult.core import db as database
    from consult.core.forms import detect_unreadable_fields
    from consult.core.i18n import apply_language_switch
    from consult.core.security import refuse_untrusted_host, set_security_headers

    @app.before_request
    def _language_switch():
        if "lang" in request.args:
            apply_language_switch(request.args.get("lang"))

    # must see the raw body before CSRFProtect (registered earlier) parses the form
    app.before_request_funcs.setdefault(None, []).insert(0, detect_unreadable_fields)
    # first of all: a Host header outside TRUSTED_HOSTS is refused before anything reads the request
    app.before_request_funcs[None].insert(0, refuse_untrusted_host)
    # views run again when the database was busy (nothing committed yet); one commit at the end
    database.install(app)
    app.after_request(set_security_headers)
