"""Session pages through the Flask client: full pages and htmx fragments, permissions and bad input."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from consult.core.models import utcnow
from consult.meetings import services as meetings
from consult.meetings.models import AgendaItem, Attachment, CouncilSession, Motion, MotionVote
from tests.helpers import QueryCounter, count, text_of
from tests.meetings.conftest import roll_call_data, running_session


def _future(days=10):
    from consult.core.time import to_local

    # noon on the platform's clock: never in the hour the clocks skip or repeat
    return to_local(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT12:00")


def test_secretary_plans_fills_and_convenes_a_session(client, council_setup, db, make_user):
    from tests.meetings.test_proposal_picker import make_proposals

    made = make_proposals(db, make_user, council_setup.council,
                          submitted=["Cards for all", "Desks at the station"])
    cards, desks = (p.id for p in made.values())
    client.sign_in("secr")
    response = client.post_form("/councils/council-of-cultures/sessions/new",
                                {"title": "December session", "starts_at": _future(),
                                 "planned_minutes": "120", "place": "Sala Gialla", "online_link": ""})
    assert response.status_code == 303
    session = db.session.query(CouncilSession).one()
    url = f"/sessions/{session.id}"
    # a draft is hidden from visitors and members
    client.sign_out()
    assert client.get(url).status_code in (303, 302)
    client.sign_in("member1")
    assert client.get(url).status_code == 403
    client.sign_out()
    client.sign_in("secr")
    assert client.post_form(f"{url}/convene").status_code == 422  # empty agenda
    response = client.post_form(f"{url}/items", {"title": "Resident cards", "kind": "decision",
                                                 "description": "A card *for everyone*", "parent_id": "",
                                                 "proposal_ids": [str(cards), str(desks)],
                                                 "duration_minutes": "30"})
    assert response.status_code == 303
    item = db.session.query(AgendaItem).one()
    response = client.post_form(f"{url}/items", {"title": "Design", "kind": "information",
                                                 "parent_id": str(item.id)})
    assert response.status_code == 303
    assert client.post_form(f"{url}/items", {"title": "", "kind": "information"}).status_code == 422
    assert client.post_form(f"{url}/convene").status_code == 303
    client.sign_out()
    page = client.get(url)
    assert page.status_code == 200
    text = text_of(page)
    assert "1. Resident cards" in text and "1.1. Design" in text and f"Cards for all (#{cards})" in text
    assert "<em>for everyone</em>" in page.get_data(as_text=True)


def test_only_officers_of_this_council_manage(client, council_setup, db, make_user):
    setup = council_setup
    session, item = running_session(setup, db)
    for username in ("member1", "obs"):
        client.sign_in(username)
        assert client.post_form(f"/sessions/{session.id}/close").status_code == 403
        assert client.post_form(f"/items/{item.id}/move", {"direction": "down"}).status_code == 403
        assert client.get(f"/sessions/{session.id}/roll-call").status_code == 403
        client.sign_out()
    from consult.councils import services as councils

    other = councils.create_council(name="Other council")
    outsider = make_user("othersecr")
    councils.add_membership(other, outsider, role="secretary", starts_on=utcnow().date())
    db.session.commit()
    client.sign_in("othersecr")
    assert client.post_form(f"/sessions/{session.id}/close").status_code == 403
    client.sign_out()
    assert client.post_form(f"/sessions/{session.id}/close").status_code == 303  # visitor: sign in first
    assert "/sign-in" in client.post_form(f"/sessions/{session.id}/close").headers["Location"]


def _order(db, session_id):
    query = sa.select(AgendaItem.title).where(AgendaItem.session_id == session_id,
                                              AgendaItem.parent_id.is_(None))
    return list(db.session.scalars(query.order_by(AgendaItem.position)))


def test_reorder_without_javascript_redirects(client, running, db):
    setup, session, first = running
    meetings.add_item(session, title="Second")
    db.session.commit()
    client.sign_in("secr")
    response = client.post_form(f"/items/{first.id}/move", {"direction": "down"})
    assert response.status_code == 303
    assert _order(db, session.id) == ["Second", "Resident cards"]
    assert client.post_form(f"/items/{first.id}/move", {"direction": "sideways"}).status_code == 422


def test_reorder_with_htmx_returns_the_agenda_fragment(client, running, db):
    setup, session, first = running
    meetings.add_item(session, title="Second")
    db.session.commit()
    client.sign_in("secr")
    response = client.post_form(f"/items/{first.id}/move", {"direction": "down"}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="agenda"') and "<html" not in html
    assert html.index("Second") < html.index("Resident cards")
    assert _order(db, session.id) == ["Second", "Resident cards"]


def test_session_page_fragment_for_htmx(htmx_client, running):
    setup, session, item = running
    response = htmx_client.get(f"/sessions/{session.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<div id="live"' in html and "<html" not in html
    assert "Quorum reached" in html


def test_members_vote_on_a_named_motion_from_the_page(client, running, db):
    setup, session, item = running
    client.sign_in("secr")
    response = client.post_form(f"/items/{item.id}/motions", {"text": "Adopt the card", "rule": "simple",
                                                               "mode": "named"})
    assert response.status_code == 303
    motion = db.session.query(Motion).one()
    assert client.post_form(f"/motions/{motion.id}/open").status_code == 303
    client.sign_out()
    for username, choice in (("member1", "yes"), ("member2", "yes"), ("member3", "no")):
        client.sign_in(username)
        page = client.get(f"/sessions/{session.id}")
        assert 'name="choice" value="yes"' in page.get_data(as_text=True)
        assert client.post_form(f"/motions/{motion.id}/vote", {"choice": choice}).status_code == 303
        client.sign_out()
    client.sign_in("member1")
    again = client.post_form(f"/motions/{motion.id}/vote", {"choice": "no"})
    assert again.status_code == 409 and "already voted" in text_of(again)
    assert "You have voted on this motion" in text_of(client.get(f"/sessions/{session.id}"))
    client.sign_out()
    client.sign_in("obs")
    refused = client.post_form(f"/motions/{motion.id}/vote", {"choice": "yes"})
    assert refused.status_code == 403 and "Observers" in text_of(refused)
    client.sign_out()
    client.sign_in("secr")
    assert client.post_form(f"/motions/{motion.id}/close").status_code == 303
    client.sign_out()
    client.sign_in("member2")  # a vote after the close
    assert client.post_form(f"/motions/{motion.id}/vote", {"choice": "no"}).status_code == 403
    db.session.refresh(motion)
    assert (motion.yes, motion.no, motion.verdict) == (2, 1, "adopted")
    assert count(MotionVote) == 3
    text = text_of(client.get("/councils/council-of-cultures/"))
    assert "Adopt the card" in text  # listed under decisions


def test_editing_a_closed_session_is_refused(client, running, db):
    setup, session, item = running
    meetings.close_session(session)
    db.session.commit()
    client.sign_in("secr")
    response = client.post_form(f"/sessions/{session.id}/edit", {"title": "Changed", "starts_at": _future(),
                                                                 "planned_minutes": "60", "place": "x"})
    assert response.status_code == 409
    assert (client.post_form(f"/sessions/{session.id}/items", {"title": "Late", "kind": "information"})
            .status_code == 409)
    assert client.post_form(f"/items/{item.id}/move", {"direction": "down"}).status_code == 409
    db.session.refresh(session)
    assert session.title == "Ordinary session"


def test_attachments_lying_about_their_type_or_too_big_are_refused(client, running, db, app):
    setup, session, item = running
    client.sign_in("secr")
    fake = (io.BytesIO(b"<script>alert(1)</script>"), "minutes.pdf", "application/pdf")
    response = client.post_form(f"/items/{item.id}/attachments", {"file": fake},
                                content_type="multipart/form-data")
    assert response.status_code == 422 and "not an image (PNG, JPEG, GIF, WebP) or a PDF" in text_of(response)
    app.config["MEETINGS_ATTACHMENT_MAX_BYTES"] = 100
    try:
        big = (io.BytesIO(b"%PDF-1.4\n" + b"x" * 500), "big.pdf", "application/pdf")
        response = client.post_form(f"/items/{item.id}/attachments", {"file": big},
                                    content_type="multipart/form-data")
        assert response.status_code == 422 and "too large" in text_of(response)
    finally:
        app.config.pop("MEETINGS_ATTACHMENT_MAX_BYTES")
    assert count(Attachment) == 0
    good = (io.BytesIO(b"%PDF-1.4\nhello"), "Budget 2027.pdf", "text/plain")
    assert client.post_form(f"/items/{item.id}/attachments", {"file": good},
                            content_type="multipart/form-data").status_code == 303
    attached = db.session.query(Attachment).one()
    download = client.get(f"/attachments/{attached.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Budget-2027.pdf" in download.headers["Content-Disposition"]


def test_roll_call_form_saves_all_or_nothing(client, council_setup, db):
    setup = council_setup
    session, item = running_session(setup, db, present=())
    seats = {a.membership.user.username: a.membership_id for a in session.attendance}
    client.sign_in("secr")
    page = client.get(f"/sessions/{session.id}/roll-call")
    assert page.status_code == 200 and "Quorum not reached" in text_of(page)
    lines = {seats[u]: {"status": "present"} for u in ("pres", "secr", "member1")}
    lines[seats["member2"]] = {"status": "excused"}
    lines[seats["member1"]]["arrived"] = "25:99"
    response = client.post_form(f"/sessions/{session.id}/roll-call", roll_call_data(lines))
    assert response.status_code == 422
    db.session.expire_all()
    assert meetings.quorum(db.session.get(CouncilSession, session.id))["present"] == 0
    lines[seats["member1"]]["arrived"] = "18:45"
    assert client.post_form(f"/sessions/{session.id}/roll-call", roll_call_data(lines)).status_code == 303
    db.session.expire_all()
    assert meetings.quorum(db.session.get(CouncilSession, session.id)) == {
        "members": 5, "present": 3, "required": 3, "reached": True}


def test_record_json_of_a_published_session(client, running):
    setup, session, item = running
    response = client.get(f"/sessions/{session.id}/record.json")
    assert response.status_code == 200
    assert (response.json["kind"] == "council_session"
            and response.json["items"][0]["title"] == "Resident cards")
    assert re.search(r"Pres", str(response.json["chaired_by"]))


def _statements(app, client, url):
    from consult.extensions import db as _db

    with app.app_context():
        engine = _db.engine
    with QueryCounter(engine) as queries:
        assert client.get(url).status_code == 200
    return queries.count


def _decided_motion(setup, item):
    motion = meetings.add_motion(item, text="Motion on " + item.title, mode="named")
    meetings.open_motion(motion)
    for username in ("pres", "member1"):
        meetings.cast_vote(motion, setup.users[username], "yes")
    meetings.close_motion(motion)


def test_pages_run_a_constant_number_of_queries(app, client, running, db):
    setup, session, item = running
    _decided_motion(setup, item)
    meetings.add_speaker(item, "Adama")
    meetings.set_item_proposals(item, [99])
    db.session.commit()
    client.sign_in("secr")
    urls = (f"/sessions/{session.id}", "/councils/council-of-cultures/")
    small = [_statements(app, client, url) for url in urls]
    for n in range(4):
        extra = meetings.add_item(session, title=f"Item {n}", parent=item if n % 2 else None)
        meetings.add_speaker(extra, "Chen")
        meetings.set_item_proposals(extra, [n + 1])
        _decided_motion(setup, extra)
    db.session.commit()
    large = [_statements(app, client, url) for url in urls]
    assert large == small


def test_secretary_runs_items_from_the_page(client, running, db, make_user):
    from tests.meetings.test_proposal_picker import make_proposals

    setup, session, item = running
    proposal = make_proposals(db, make_user, setup.council, submitted=["Night buses"])["Night buses"]
    client.sign_in("secr")
    assert client.get(f"/sessions/{session.id}/edit").status_code == 200
    assert client.get(f"/items/{item.id}/edit").status_code == 200
    response = client.post_form(f"/items/{item.id}/edit",
                                {"title": "Resident cards for all", "kind": "decision",
                                 "parent_id": "", "proposal_ids": str(proposal.id)})
    assert response.status_code == 303
    assert client.post_form(f"/items/{item.id}/edit", {"title": "", "kind": "decision"}).status_code == 422
    assert (client.post_form(f"/items/{item.id}/progress", {"notes": "We *agreed*.", "action": "start"})
            .status_code == 303)
    assert client.post_form(f"/items/{item.id}/speakers", {"name": "Adama"}).status_code == 303
    assert client.post_form(f"/items/{item.id}/speakers", {"name": ""}).status_code == 422
    row = next(a for a in session.attendance if a.membership.user.username == "member3")
    assert client.post_form(f"/attendance/{row.id}/leave").status_code == 303
    response = client.post_form(f"/items/{item.id}/motions", {"text": "", "rule": "simple", "mode": "named"})
    assert response.status_code == 422
    response = client.post_form(f"/items/{item.id}/motions", {"text": "Count hands", "rule": "simple",
                                                               "mode": "hands"})
    motion = db.session.query(Motion).one()
    client.post_form(f"/motions/{motion.id}/open")
    assert (client.post_form(f"/motions/{motion.id}/close", {"yes": "9", "no": "0", "abstain": "0"})
            .status_code == 422)
    assert (client.post_form(f"/motions/{motion.id}/close", {"yes": "3", "no": "1", "abstain": "0"})
            .status_code == 303)
    extra = meetings.add_item(session, title="To remove")
    db.session.commit()
    assert client.post_form(f"/items/{extra.id}/delete").status_code == 303
    page = text_of(client.get(f"/sessions/{session.id}"))
    assert "Resident cards for all" in page and "Adama" in page and "To remove" not in page
    assert "Adopted" in page and "4 of 5 voting members in the room" in page
    db.session.expire_all()
    record_item = db.session.get(AgendaItem, item.id)
    assert (record_item.started_at is not None
            and [link.proposal_id for link in record_item.proposal_links] == [proposal.id])


def test_secret_motion_from_the_page(client, running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Secret question", rule="simple", mode="secret")
    meetings.open_motion(motion)
    db.session.commit()
    client.sign_in("member1")
    page = text_of(client.get(f"/sessions/{session.id}"))
    assert "secret: nobody can see what you choose" in page
    assert client.post_form(f"/motions/{motion.id}/vote", {"choice": "perhaps"}).status_code == 422
    assert client.post_form(f"/motions/{motion.id}/vote", {"choice": "no"}).status_code == 303
    again = client.post_form(f"/motions/{motion.id}/vote", {"choice": "yes"})
    assert again.status_code == 409 and "already voted" in text_of(again)
    # whoever has voted is told so before anything they send is read
    assert client.post_form(f"/motions/{motion.id}/vote", {"choice": "perhaps"}).status_code == 409
    client.sign_out()
    client.sign_in("secr")
    assert client.post_form(f"/motions/{motion.id}/close").status_code == 303
    db.session.refresh(motion)
    assert (motion.yes, motion.no, motion.verdict) == (0, 1, "rejected")
    page = text_of(client.get(f"/sessions/{session.id}"))
    assert "Member1: No" not in page and "Yes 0, no 1, abstain 0" in page
