"""Settings for running on several hosts: the rate limits counted in the shared Redis, static files' addresses
that name their content (so nginx may keep them a year), and an env file that names every setting."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, url_for

from consult.config import Defaults, configure_rate_limit_storage
from consult.core import static_files

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "consult.env.example"

#: read by the code yet not settings of a platform: the tests' stand-in for Redis, the list of interface
#: languages (the catalogues decide it), Flask-WTF's names of the CSRF field and meta tag
NOT_SETTINGS = {"CACHE_REDIS_CLIENT", "LANGUAGES", "WTF_CSRF_FIELD_NAME", "WTF_CSRF_META_NAME"}


def test_rate_limits_are_counted_in_the_shared_redis_unless_told_otherwise():
    config = {"REDIS_URL": "redis://redis.internal:6379/0", "RATELIMIT_STORAGE_URI": None}
    configure_rate_limit_storage(config)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"
    # a Redis that does not answer costs half a second at most, then each process counts alone meanwhile
    assert config["RATELIMIT_STORAGE_OPTIONS"] == {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    assert Defaults.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED is True

    own = {"REDIS_URL": "redis://redis.internal:6379/0", "RATELIMIT_STORAGE_URI": "redis://limits:6379/2",
           "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 2}}
    configure_rate_limit_storage(own)
    assert own["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/2"
    assert own["RATELIMIT_STORAGE_OPTIONS"] == {"socket_timeout": 2, "socket_connect_timeout": 0.5}

    alone = {"REDIS_URL": None, "RATELIMIT_STORAGE_URI": Defaults.RATELIMIT_STORAGE_URI}
    configure_rate_limit_storage(alone)
    assert alone["RATELIMIT_STORAGE_URI"] == "memory://" and "RATELIMIT_STORAGE_OPTIONS" not in alone


def test_the_app_counts_rate_limits_in_redis_when_configured(app):
    # the suite's app has no Redis: each process counts for itself
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_static_addresses_name_the_files_content(client):
    page = client.get("/privacy").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"', page)
    assert {path for path, _ in links} >= {"/static/css/consult.css", "/static/vendor/htmx/htmx.min.js"}
    assert not re.search(r'(?:href|src)="/static/[^"?]+"', page)  # none without its version
    for path, version in links:
        content = (ROOT / "consult" / path.removeprefix("/")).read_bytes()
        assert version == hashlib.blake2b(content, digest_size=6).hexdigest()
        assert client.get(f"{path}?v={version}").status_code == 200


def test_a_changed_static_file_gets_a_new_address(tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    style = folder / "site.css"
    style.write_text("body { color: black }")
    app = Flask(__name__, static_folder=str(folder))
    static_files.init_app(app)
    with app.test_request_context("/"):
        first = url_for("static", filename="site.css")
        assert first == url_for("static", filename="site.css")
        style.write_text("body { color: navy }")
        second = url_for("static", filename="site.css")
        assert first != second and second.startswith("/static/site.css?v=")
        # a missing file, or a path outside the folder: no version (Flask answers 404 as before)
        assert url_for("static", filename="missing.css") == "/static/missing.css"
        assert "v=" not in url_for("static", filename="../secrets.json")
        assert url_for("static", filename="site.css", v="pinned").endswith("v=pinned")


def _settings_read_by_the_code() -> set[str]:
    names = {name for name in dir(Defaults) if name.isupper()}
    for path in (ROOT / "consult").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'config\[\s*"([A-Z][A-Z0-9_]+)"\s*\]', text))
        names |= set(re.findall(r'config\.(?:get|setdefault)\(\s*"([A-Z][A-Z0-9_]+)"', text))
    return names - NOT_SETTINGS


def test_the_env_example_names_every_setting():
    listed = set(re.findall(r"^#?CONSULT_([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    missing = _settings_read_by_the_code() - listed - {"INSTANCE_PATH"}
    assert not missing, f"add to deploy/consult.env.example: {sorted(missing)}"
    assert "INSTANCE_PATH" in listed  # read from the environment by create_app itself
