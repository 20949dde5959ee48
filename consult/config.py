"""Configuration: defaults here, then ``instance/config.py``, then ``CONSULT_*`` environment variables.

Secrets are never committed: on first start a random ``SECRET_KEY`` and the residence HMAC key are written to
``instance/secrets.json`` with file mode 600 and read back on every later start.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

#: Interface languages, in the order the language switcher shows them. English is the source language.
LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "ar": "العربية",
}


class Defaults:
    """Safe defaults for a local run; production overrides what its README section lists."""

    #: the address people use to reach the platform (``CONSULT_BASE_URL``): every link that leaves the site
    #: (mail, feeds, calendars, QR codes) starts with it, and requests naming another host are refused
    BASE_URL = "http://127.0.0.1:5000"
    #: more host names accepted besides the base URL's (``CONSULT_TRUSTED_HOSTS``: comma-separated,
    #: ".example.org" for every subdomain); the final list, base host first, is what Flask checks
    TRUSTED_HOSTS: list[str] | str | None = None
    #: reverse proxies in front of the app that set X-Forwarded-For and X-Forwarded-Proto (0: none)
    PROXY_COUNT = 0
    #: Strict-Transport-Security max-age, sent when the base URL is https:// (0: no header)
    HSTS_MAX_AGE = 60 * 60 * 24 * 365

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or the instance SQLite file
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    #: SQLite's ``synchronous`` in WAL mode: NORMAL keeps every acknowledged write through a killed process;
    #: FULL through a power cut too, at one disk sync per write (``consult.core.db``)
    SQLITE_SYNCHRONOUS = "NORMAL"

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # uploads (register CSV, attachments) stay below 12 MB
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    SESSION_COOKIE_NAME = "consult_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # turned on by an https:// BASE_URL (or CONSULT_SESSION_COOKIE_SECURE=true)
    REMEMBER_COOKIE_SECURE = False  # likewise
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    REMEMBER_COOKIE_DURATION = 0

    # the token lives as long as the session; a stale form is not lost after an hour
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    LANGUAGES = LANGUAGES

    #: where the rate limits are counted; none: in Redis when ``REDIS_URL`` is set (every worker and host
    #: then counts together), else in each process's memory
    RATELIMIT_STORAGE_URI: str | None = None
    #: a Redis that does not answer: each process counts in its own memory meanwhile (not a 500 on every
    #: limited request), and Redis is asked again a moment later
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    #: failed sign-ins only (a good password does not count): per address, and per account whatever the
    #: address
    RATELIMIT_SIGN_IN = "10 per minute;50 per hour"
    RATELIMIT_SIGN_IN_ACCOUNT = "10 per minute;30 per hour"
    RATELIMIT_SIGN_UP = "5 per minute;30 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"
    RATELIMIT_VERIFY = "5 per minute;30 per hour"
    RATELIMIT_POST = "30 per minute"
    RATELIMIT_VOTE = "20 per minute"

    #: Redis shared by every server process and host (``CONSULT_REDIS_URL``): the rate limits (unless
    #: ``RATELIMIT_STORAGE_URI`` says otherwise) and the cache (``consult.core.cache``; ``CACHE_REDIS_URL``
    #: gives the cache a Redis of its own); none: each process counts and caches for itself
    REDIS_URL: str | None = None
    CACHE_REDIS_URL: str | None = None
    #: the cache's keys in Redis start with it; none: a stamp of the installed code, so a new release never
    #: reads what an older one rendered (set it to the release's name when several hosts share one Redis)
    CACHE_KEY_PREFIX: str | None = None
    #: seconds an entry stays in Redis
    CACHE_DEFAULT_TIMEOUT = 24 * 60 * 60
    #: a region whose values stay below this many bytes is not shared through Redis: drawing such a value
    #: again costs less than a round trip to Redis (a card, a pager)
    CACHE_REDIS_MIN_BYTES = 4096

    #: argon2id parameters: "default" for real use, "test" (the cheapest RFC profile) only in the test suite.
    PASSWORD_HASH_PROFILE = "default"
    RESET_CODE_LIFETIME_HOURS = 48
    #: a mailed reset link works once, within this many minutes
    RESET_LINK_MINUTES = 60
    #: a mailed link that adds an email address to an account works this long
    EMAIL_CONFIRM_HOURS = 48

    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "consult@localhost"
    #: seconds a task holds a message it sends (a consumer killed meanwhile: sent again after this)
    MAIL_CLAIM_SECONDS = 300
    #: a message no task took for this long goes back on the queue (``mail.requeue``, every minute)
    MAIL_REQUEUE_MINUTES = 10

    #: the task queue (``consult.core.tasks``; ``flask --app consult tasks consume``): huey's SQLite file
    #: (default ``instance/tasks.sqlite3``), or Redis with ``TASKS_REDIS_URL`` (default: ``REDIS_URL``)
    TASKS_SQLITE_PATH: str | None = None
    TASKS_REDIS_URL: str | None = None
    TASKS_QUEUE_NAME = "consult"
    #: seconds to reach Redis, and to wait for an answer (above the consumer's 1-second blocking read)
    TASKS_REDIS_CONNECT_TIMEOUT = 2.0
    TASKS_REDIS_TIMEOUT = 5.0
    #: run each task at once, in the process that commits (the tests); no consumer needed
    TASKS_IMMEDIATE = False

    PLATFORM_NAME = "Consult"
    CITY_NAME = "Porto Aperto"
    #: days after which a residence verification expires and must be renewed (0: never)
    VERIFICATION_VALID_DAYS = 730
    #: minutes an in-person verification code from the profile stays valid
    IN_PERSON_CODE_MINUTES = 15

    MODERATION_HIDE_THRESHOLD = 3  # reports that hide content until a moderator reviews it
    PROPOSAL_EDIT_WINDOW_MINUTES = 60  # the author may edit a published proposal this long
    PROPOSAL_BODY_MAX_CHARS = 20_000
    PROPOSAL_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    MEETINGS_ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024  # agenda attachments
    MEETINGS_CONVOCATION_DAYS = 5  # default notice period for new councils

    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24


def _secrets_file(instance_path: str) -> Path:
    return Path(instance_path) / "secrets.json"


def load_or_create_secrets(instance_path: str) -> dict[str, str]:
    """Read the instance secrets, creating them (mode 600, never overwritten) on first start."""
    path = _secrets_file(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        data = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RESIDENCE_HMAC_KEY": secrets.token_hex(32),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race; read what it wrote
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
    with path.open() as fh:
        return json.load(fh)


def configure(app, overrides: dict | None) -> None:
    """Apply defaults, the instance file, the environment and finally explicit overrides (tests)."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CONSULT")
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SECRET_KEY") or not app.config.get("RESIDENCE_HMAC_KEY"):
        stored = load_or_create_secrets(app.instance_path)
        app.config.setdefault("SECRET_KEY", stored["SECRET_KEY"])
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = stored["SECRET_KEY"]
        if not app.config.get("RESIDENCE_HMAC_KEY"):
            app.config["RESIDENCE_HMAC_KEY"] = stored["RESIDENCE_HMAC_KEY"]

    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "consult.sqlite3")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    configure_database_pool(app.config)
    configure_rate_limit_storage(app.config)
    configure_base_url(app.config)


def configure_database_pool(config) -> None:
    """Keep a database connection open for each thread that serves pages (``WEB_THREADS``, 16), and let as
    many more open for a burst. SQLAlchemy's default (5, and 10 more opened for a burst and closed when given
    back) made a process serving 16 pages at once open and close PostgreSQL connections (each a new server
    process) all the time. Options given in ``SQLALCHEMY_ENGINE_OPTIONS`` win; an engine with a pool class of
    its own, and SQLite in memory, keep their pool."""
    from sqlalchemy.engine import make_url

    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if "poolclass" in options or in_memory:
        return
    threads = int(config.get("WEB_THREADS") or 16)
    options.setdefault("pool_size", threads)
    options.setdefault("max_overflow", threads)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


#: storage URIs of Flask-Limiter (``limits``) that are a Redis server
REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://", "redis+cluster://")


def configure_rate_limit_storage(config) -> None:
    """Count the rate limits where every process sees them: ``RATELIMIT_STORAGE_URI`` when set, else the
    ``REDIS_URL`` (a sign-in refused on one host is counted on the others), else each process's memory.

    A Redis storage answers within half a second or is taken as down (Flask-Limiter then counts in memory
    until it answers again, ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``)."""
    uri = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
    config["RATELIMIT_STORAGE_URI"] = uri
    if uri.startswith(REDIS_SCHEMES) and not uri.startswith("redis+sentinel://"):
        options = dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("socket_connect_timeout", 0.5)
        config["RATELIMIT_STORAGE_OPTIONS"] = options


def configure_base_url(config) -> None:
    """Normalise ``BASE_URL`` and derive from it the hosts Flask accepts and the HTTPS-only settings.

    The Host header of a request must name the base URL's host or one of ``TRUSTED_HOSTS`` (a base URL on a
    loopback address trusts the other loopback names too, for a local run). An https:// base URL makes the
    session and remember cookies Secure and turns on HSTS (see ``core.security``).
    """
    from consult.core.urls import LOOPBACK_HOSTS, parse_base_url

    scheme, netloc, prefix = parse_base_url(config.get("BASE_URL") or Defaults.BASE_URL)
    config["BASE_URL"] = f"{scheme}://{netloc}{prefix}"
    host = urlsplit(config["BASE_URL"]).hostname
    extra = config.get("TRUSTED_HOSTS") or []
    if isinstance(extra, str):
        extra = re.split(r"[\s,]+", extra)
    hosts = [host, *(str(h).strip().lower() for h in extra)]
    if host in LOOPBACK_HOSTS:
        hosts.extend(LOOPBACK_HOSTS)
    config["TRUSTED_HOSTS"] = list(dict.fromkeys(h for h in hosts if h))
    if scheme == "https":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
