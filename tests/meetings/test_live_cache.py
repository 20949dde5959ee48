"""The session page's live part is cached between readers to whom it shows no form
(``meetings.views.sessions._live_html``): every change shows on the next view, and nobody gets someone else's
vote form or token."""

from __future__ import annotations

import re

from consult.accounts import services as accounts
from consult.meetings import services as meetings
from consult.meetings.queries import LIVE_PART
from tests.helpers import text_of


def live_part(html: str) -> str:
    return html.split('<div id="live"', 1)[1]


def cache_hits(app) -> int:
    with app.app_context():
        return LIVE_PART.stats().hits


def test_every_change_shows_on_the_next_view(app, client, running, db):
    setup, session, item = running
    url = f"/sessions/{session.id}"
    first = client.get(url).get_data(as_text=True)
    assert "Resident cards" in first and "Quorum reached" in first
    hits = cache_hits(app)
    assert live_part(client.get(url).get_data(as_text=True)) == live_part(first)
    assert cache_hits(app) == hits + 1  # the second view is the cached copy

    def change(action, expected, gone=None):
        action()
        db.session.commit()
        text = text_of(client.get(url))
        assert expected in text
        if gone:
            assert gone not in text

    change(lambda: meetings.add_speaker(item, "Fatou Diallo"), "Fatou Diallo")
    change(lambda: meetings.update_item(item, title="Resident cards for all", description="", kind="decision",
                                        duration_minutes=None, presenter=""), "Resident cards for all")
    change(lambda: accounts.update_profile(setup.users["member1"], display_name="Amadou", language="en",
                                           email=None), "Amadou", "Member1")
    motion = meetings.add_motion(item, text="Adopt the card", mode="hands")
    change(lambda: meetings.open_motion(motion), "The vote is open.")
    change(lambda: meetings.close_motion(motion, hands={"yes": 4, "no": 1, "abstain": 0}),
           "Yes 4, no 1, abstain 0")
    absent = [{"attendance_id": a.id,
               "status": "absent" if a.membership.user.username != "pres" else "present",
               "arrived_at": None, "left_at": None} for a in session.attendance]
    change(lambda: meetings.record_attendance(session, absent), "Quorum not reached")
    change(lambda: meetings.close_session(session), "Closed")


def test_a_member_who_may_vote_gets_their_own_form_and_the_public_none(app, client, running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Adopt the card", mode="named")
    meetings.open_motion(motion)
    db.session.commit()
    url = f"/sessions/{session.id}"
    public = client.get(url).get_data(as_text=True)
    assert "The vote is open." in public and 'name="choice"' not in public

    tokens = []
    for username in ("member1", "member2"):
        client.sign_in(username)
        html = client.get(url).get_data(as_text=True)
        assert 'name="choice" value="yes"' in html
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', live_part(html)).group(1))
        client.sign_out()
    assert tokens[0] != tokens[1]

    client.sign_in("member1")
    assert client.post_form(f"/motions/{motion.id}/vote", {"choice": "yes"}).status_code == 303
    voted = client.get(url).get_data(as_text=True)
    assert "You have voted on this motion" in voted and 'name="choice"' not in voted
    assert "1 vote cast so far" in voted
    client.sign_out()
    client.sign_in("obs")  # an observer may not vote: a cached copy, with the reason and no form
    observer = text_of(client.get(url))
    assert "You have voted" not in observer and "1 vote cast so far" in observer
    client.sign_out()
    assert "1 vote cast so far" in text_of(client.get(url))
    client.sign_in("member2")
    assert 'name="choice" value="yes"' in client.get(url).get_data(as_text=True)


def test_the_htmx_poll_gets_the_same_live_part_in_the_readers_language(htmx_client, client, running):
    setup, session, item = running
    url = f"/sessions/{session.id}"
    fragment = htmx_client.get(url).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="live"') and "<html" not in fragment
    full = client.get(url).get_data(as_text=True)
    assert fragment.strip() in full
    french = text_of(client.get(url, query_string={"lang": "fr"}))
    assert "Ordre du jour" in french and "Quorum atteint" in french
    assert "Quorum reached" in text_of(client.get(url, query_string={"lang": "en"}))
