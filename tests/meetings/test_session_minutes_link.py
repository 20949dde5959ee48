"""A closed session's page links to its minutes: the draft for those who write or approve it, the published
minutes for everyone; the cached live part of the page (shared between readers) never carries or hides the
link."""

from __future__ import annotations

import re

from consult.meetings import services as meetings
from consult.meetings.queries import LIVE_PART
from consult.minutes import services as minutes_services
from tests.helpers import text_of


def minutes_link(html: str) -> str | None:
    match = re.search(r'<a href="(/minutes/\d+)">([^<]*)</a>', html)
    return f"{match.group(1)} {match.group(2).strip()}" if match else None


def cache_hits(app) -> int:
    with app.app_context():
        return LIVE_PART.stats().hits


def test_closed_session_links_to_its_minutes_for_those_who_may_read_them(app, client, running, db):
    setup, session, item = running
    url = f"/sessions/{session.id}"
    assert minutes_link(client.get(url).get_data(as_text=True)) is None  # running: no minutes yet
    meetings.close_session(session)
    db.session.commit()
    minutes = minutes_services.original_for("council_session", session.id)
    assert minutes is not None and minutes.status == "draft"  # drafted when the session closed
    draft = f"/minutes/{minutes.id} Minutes in preparation"

    # the secretary, who writes them, and the president see the draft
    for officer in ("secr", "pres"):
        client.sign_in(officer)
        page = client.get(url)
        assert minutes_link(page.get_data(as_text=True)) == draft, officer
        assert "Draft" in text_of(page)
        assert client.get(f"/minutes/{minutes.id}").status_code == 200
        client.sign_out()
    # a member and a visitor do not (the draft is not theirs to read)
    client.sign_in("member1")
    assert minutes_link(client.get(url).get_data(as_text=True)) is None
    client.sign_out()
    visitor = client.get(url).get_data(as_text=True)
    assert minutes_link(visitor) is None and "Resident cards" in visitor

    # published: everyone gets the link, though the live part is the copy cached before (nothing in it
    # changed)
    minutes_services.submit(minutes, actor=setup.users["secr"])
    minutes_services.approve(minutes, actor=setup.users["pres"])
    minutes_services.publish(minutes, actor=setup.users["secr"])
    db.session.commit()
    hits = cache_hits(app)
    public = client.get(url).get_data(as_text=True)
    assert minutes_link(public) == f"/minutes/{minutes.id} Read the minutes"
    assert cache_hits(app) > hits
    client.sign_in("member1")
    assert minutes_link(client.get(url).get_data(as_text=True)) == f"/minutes/{minutes.id} Read the minutes"
    client.sign_out()
    # the htmx fragment of the page is the live part alone, without the link
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="live"') and "/minutes/" not in fragment
