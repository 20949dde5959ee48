"""The open data page for people (``/open-data``): the footer's "Open data" opens it, not raw JSON; it lists
every data set with its JSON and CSV downloads, the feeds and calendars, the counted ballots of closed polls,
and the API with its OpenAPI document, in every language. API clients keep getting JSON from ``/api/v1/``."""

from __future__ import annotations

import re

import pytest

from consult.api.machinery import resources
from consult.votes import services as votes
from tests.helpers import text_of
from tests.meetings.conftest import council_setup  # noqa: F401 - fixture
from tests.votes.conftest import make_poll  # noqa: F401 - fixture

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_the_footer_opens_the_page_for_people(client, db):
    home = client.get("/").get_data(as_text=True)
    footer = home.split('<footer class="site-footer">', 1)[1]
    link = re.search(r'<a href="([^"]+)">Open data</a>', footer).group(1)
    assert link == "/open-data"
    response = client.get(link, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<h1>Open data</h1>" in response.get_data(as_text=True)
    assert "public" not in response.headers.get("Cache-Control", "")  # it shows the reader's menu


def test_the_page_lists_data_sets_feeds_calendars_trackers_and_the_api(client, db, council_setup, make_poll):  # noqa: F811
    poll = make_poll(question="Where should the new library go?")
    votes.close_poll(poll)
    db.session.commit()
    response = client.get("/open-data")
    html, links = response.get_data(as_text=True), hrefs(response.get_data(as_text=True))
    for name in resources():  # every data set, as JSON and as CSV
        assert f"/api/v1/{name}" in links and f"/api/v1/{name}.csv" in links, name
    assert "Council sessions" in text_of(response)  # data sets are named for people, not only by their key
    assert {"/proposals/feed.atom", "/minutes/feed.atom", "/outcomes/feed.atom"} <= links
    assert f"/councils/{council_setup.council.slug}/sessions.ics" in links
    assert f"/polls/{poll.id}/trackers" in links and f"/polls/{poll.id}/trackers.csv" in links
    assert "Where should the new library go?" in html
    assert {"/api/v1/?format=json", "/api/openapi.json"} <= links


@pytest.mark.parametrize("lang, direction, words", [
    ("en", "ltr", "Open data"), ("fr", "ltr", "Données ouvertes"), ("ar", "rtl", None), ("es", "ltr", None),
    ("it", "ltr", None), ("pt", "ltr", None)])
def test_the_page_speaks_every_language(client, db, lang, direction, words):
    response = client.get(f"/open-data?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in html
    if words:
        assert f"<h1>{words}</h1>" in html


def test_api_clients_keep_json_and_browsers_get_the_page(client, db):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}):
        response = client.get("/api/v1/", headers=headers)
        assert response.status_code == 200 and response.is_json, headers
        assert "openapi" in response.get_json() and "Accept" in response.headers["Vary"]
    forced = client.get("/api/v1/?format=json", headers={"Accept": BROWSER})
    assert forced.status_code == 200 and forced.is_json
    browser = client.get("/api/v1/", headers={"Accept": BROWSER})
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/open-data")
    assert "Accept" in browser.headers["Vary"]
    # the page for people answers JSON to a client that asks for it; the old address still works
    assert client.get("/open-data", headers={"Accept": "application/json"}).get_json()["openapi"]
    assert client.get("/open-data?format=json").is_json
    assert client.get("/api/").mimetype == "text/html"
