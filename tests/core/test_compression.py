"""Text responses are gzipped for clients that ask for it (gunicorn does not compress); the live event stream,
PDFs and CSV files never are."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "consult" / "static"


def test_pages_are_gzipped_for_clients_that_ask(client, db):
    response = client.get("/privacy", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    vary = response.headers["Vary"]
    assert "Accept-Encoding" in vary and "HX-Request" in vary
    body = response.get_data()
    html = gzip.decompress(body).decode()
    assert "</html>" in html and len(body) < len(html) / 2
    assert response.headers["Content-Security-Policy"]

    plain = client.get("/privacy")
    assert "Content-Encoding" not in plain.headers
    # The CSRF token is masked afresh in every answer (BREACH), so two pages differ in it.
    assert _without_csrf_tokens(plain.get_data(as_text=True)) == _without_csrf_tokens(html)


def _without_csrf_tokens(page: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)


@pytest.mark.parametrize("path", ["css/consult.css", "vendor/htmx/htmx.min.js"])
def test_static_text_files_are_gzipped(client, path):
    response = client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == (STATIC / path).read_bytes()
    response.close()


def test_json_is_gzipped(client, db):
    response = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"{")


def test_the_live_event_stream_is_never_compressed(app, client, db, make_user):
    from consult.debates import services

    moderator = make_user("mod", roles=("moderator",))
    debate = services.create_debate(moderator, title="Streamed", description="",
                                    starts_at=datetime(2030, 1, 1), place="Hall", allow_anonymous=True)
    services.add_segment(debate, "Opening", 5)
    db.session.commit()
    old = dict(app.config)
    app.config.update(DEBATES_SSE_HEARTBEAT_SECONDS=0.2, DEBATES_SSE_MAX_SECONDS=2)
    try:
        response = client.get(f"/debates/{debate.id}/events", headers={"Accept-Encoding": "gzip, br"},
                              buffered=False)
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        assert "Content-Encoding" not in response.headers
        assert next(iter(response.response)).startswith(b"retry:")
        response.close()
    finally:
        app.config.update(old)



def test_a_large_page_is_compressed_at_the_faster_level(app):
    from flask import Response

    from consult.core.compression import compress

    rows = "".join(f"<li>Comment {n}: people who live here decide together.</li>" for n in range(4000))
    html = f"<!doctype html><html><body><ol>{rows}</ol></body></html>"
    assert len(html) > compress.LARGE_BODY
    with app.test_request_context(headers={"Accept-Encoding": "gzip"}):
        large = compress.after_request(Response(html, mimetype="text/html"))
        small = compress.after_request(Response(html[:20_000], mimetype="text/html"))
    with app.test_request_context():
        unasked = compress.after_request(Response(html, mimetype="text/html"))
    body = large.get_data()
    assert large.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in large.headers["Vary"]
    assert gzip.decompress(body).decode() == html
    assert int(large.headers["Content-Length"]) == len(body)
    assert body == gzip.compress(html.encode(), compresslevel=compress.LARGE_BODY_LEVEL, mtime=0)
    assert (small.headers["Content-Encoding"] == "gzip" and gzip.decompress(small.get_data()).decode()
            == html[:20_000])
    assert "Content-Encoding" not in unasked.headers and unasked.get_data(as_text=True) == html
