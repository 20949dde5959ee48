"""The programme after a debate is created: its moderators edit, reorder and remove the people on stage and
the agenda's segments until it ends, from the console (one form per row, without JavaScript), and the live
screens hear of each change after the commit."""

from __future__ import annotations

import re

import pytest

from consult.core.errors import Conflict, DomainError
from consult.debates import changes
from consult.debates import services as s
from consult.debates.models import Debate, Panelist, Segment
from tests.helpers import count, text_of


@pytest.fixture
def mod(make_user):
    return make_user("mod", roles=("moderator",))


@pytest.fixture
def debate(db, mod, make_debate):
    debate = make_debate(mod, segments=(("Opening", 5), ("Experts", 20), ("Questions from the public", 30)))
    s.add_panelist(debate, "Karim", "moderator", "Runs the debate")
    s.add_panelist(debate, "Dr. Leila Haddad", "expert", "Sociologist")
    s.add_panelist(debate, "Marco Rinaldi", "expert")
    db.session.commit()
    return debate


@pytest.fixture
def announced(monkeypatch):
    """The parts each change announces to the live screens (``events.after_commit``, as ``changed`` calls
    it)."""
    heard = []
    real = changes.events.after_commit

    def record(session, debate, parts):
        heard.append(tuple(parts))
        return real(session, debate, parts)

    monkeypatch.setattr(changes.events, "after_commit", record)
    return heard


def _titles(debate, db):
    db.session.expire_all()
    return [x.title for x in db.session.get(Debate, debate.id).segments]


def _names(debate, db):
    db.session.expire_all()
    return [x.name for x in db.session.get(Debate, debate.id).panelists]


def _segment(debate, title):
    return next(x for x in debate.segments if x.title == title)


def _panelist(debate, name):
    return next(x for x in debate.panelists if x.name == name)


# -- services ---------------------------------------------------------------------------------------------


def test_panelists_are_edited_moved_and_removed_and_each_change_is_announced(debate, db, announced):
    version = debate.version
    s.update_panelist(debate, _panelist(debate, "Marco Rinaldi"), name="Marco Rinaldi", role="moderator",
                      bio="Journalist")
    s.move(debate, _panelist(debate, "Marco Rinaldi"), "up")
    assert _names(debate, db) == ["Karim", "Marco Rinaldi", "Dr. Leila Haddad"]
    debate = db.session.get(Debate, debate.id)
    s.remove_panelist(debate, _panelist(debate, "Karim"))
    db.session.commit()
    assert _names(debate, db) == ["Marco Rinaldi", "Dr. Leila Haddad"]
    rows = db.session.get(Debate, debate.id).panelists
    assert [p.position for p in rows] == [1, 2] and (rows[0].role, rows[0].bio) == ("moderator", "Journalist")
    assert announced == [("status",)] * 3 and db.session.get(Debate, debate.id).version == version + 3


def test_segments_are_edited_moved_and_removed(debate, db, announced):
    s.update_segment(debate, _segment(debate, "Experts"), title="The experts speak", planned_minutes=25)
    s.move(debate, _segment(debate, "Questions from the public"), "up")
    assert _titles(debate, db) == ["Opening", "Questions from the public", "The experts speak"]
    debate = db.session.get(Debate, debate.id)
    s.remove_segment(debate, _segment(debate, "Opening"))
    db.session.commit()
    assert _titles(debate, db) == ["Questions from the public", "The experts speak"]
    segments = db.session.get(Debate, debate.id).segments
    assert [x.position for x in segments] == [1, 2] and segments[1].planned_minutes == 25
    assert announced == [("status",)] * 3


def test_a_live_debate_keeps_its_running_and_held_segments_and_follows_the_new_order(debate, db, mod):
    s.start_debate(debate, mod)  # "Opening" runs
    opening, experts = _segment(debate, "Opening"), _segment(debate, "Experts")
    with pytest.raises(Conflict):
        s.remove_segment(debate, opening)
    s.move(debate, _segment(debate, "Questions from the public"), "up")
    s.go_to_segment(debate, mod)  # the next one is now the questions
    assert db.session.get(Segment, debate.current_segment_id).title == "Questions from the public"
    with pytest.raises(Conflict):
        s.remove_segment(debate, opening)  # held: it stays in the record
    s.update_segment(debate, opening, title="Welcome", planned_minutes=6)  # renaming it is fine
    s.remove_segment(debate, experts)
    db.session.commit()
    assert _titles(debate, db) == ["Welcome", "Questions from the public"]
    assert [x["title"] for x in s.end_debate(db.session.get(Debate, debate.id), mod)["segments"]] == [
        "Welcome", "Questions from the public"]


def test_wrong_values_and_an_ended_debate_are_refused(debate, db, mod):
    marco, opening = _panelist(debate, "Marco Rinaldi"), _segment(debate, "Opening")
    for action, field in ((lambda: s.update_panelist(debate, marco, name=" ", role="expert"), "name"),
                          (lambda: s.update_panelist(debate, marco, name="Marco", role="public"), "role"),
                          (lambda: s.update_segment(debate, opening, title="", planned_minutes=5), "title"),
                          (lambda: s.update_segment(debate, opening, title="Opening", planned_minutes=0),
                           "planned_minutes")):
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.field == field
    with pytest.raises(Conflict):
        s.move(debate, opening, "up")  # already first
    with pytest.raises(Conflict):
        s.move(debate, marco, "down")  # already last
    s.start_debate(debate, mod)
    s.end_debate(debate, mod)
    for action in (lambda: s.update_panelist(debate, marco, name="Marco", role="expert"),
                   lambda: s.move(debate, marco, "up"), lambda: s.remove_panelist(debate, marco),
                   lambda: s.update_segment(debate, opening, title="Late", planned_minutes=5),
                   lambda: s.remove_segment(debate, _segment(debate, "Experts")),
                   lambda: s.add_panelist(debate, "Late", "expert")):
        with pytest.raises(Conflict):
            action()


# -- the console, without JavaScript ---------------------------------------------------------------------


def test_the_console_edits_a_row_with_its_own_form(client, debate, db):
    client.sign_in("mod")
    page = client.get(f"/debates/{debate.id}/console").get_data(as_text=True)
    experts = _segment(debate, "Experts")
    marco = _panelist(debate, "Marco Rinaldi")
    assert f'name="segment-{experts.id}-title" required type="text" value="Experts"' in page
    assert f'name="panelist-{marco.id}-name" required type="text" value="Marco Rinaldi"' in page
    response = client.post_form(f"/debates/{debate.id}/console/segments/{experts.id}",
                                {f"segment-{experts.id}-title": "The experts speak",
                                 f"segment-{experts.id}-planned_minutes": "25"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#segment-{experts.id}")
    assert _titles(debate, db)[1] == "The experts speak"
    # refused: the console again (422), the row's form as it was sent with its error, nothing saved
    refused = client.post_form(f"/debates/{debate.id}/console/panelists/{marco.id}",
                               {f"panelist-{marco.id}-name": "Marco R.", f"panelist-{marco.id}-role": "boss"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="Marco R."' in html and f'id="panelist-{marco.id}-role-error"' in html
    assert _names(debate, db)[2] == "Marco Rinaldi"


def test_the_console_buttons_move_and_remove_rows(client, debate, db):
    client.sign_in("mod")
    karim, questions = _panelist(debate, "Karim"), _segment(debate, "Questions from the public")
    url = f"/debates/{debate.id}/console"
    assert client.post_form(f"{url}/segments/{questions.id}/action", {"action": "up"}).status_code == 303
    assert _titles(debate, db) == ["Opening", "Questions from the public", "Experts"]
    response = client.post_form(f"{url}/panelists/{karim.id}/action", {"action": "remove"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#stage")
    assert count(Panelist) == 2
    edge = client.post_form(f"{url}/panelists/{_panelist(debate, 'Dr. Leila Haddad').id}/action",
                            {"action": "up"})
    assert edge.status_code == 409 and "already at that end" in text_of(edge)
    assert client.post_form(f"{url}/segments/{questions.id}/action", {"action": "jump"}).status_code == 422
    page = client.get(url).get_data(as_text=True)
    agenda = page.split('id="agenda"', 1)[1].split('id="stage"', 1)[0]
    # the first row has no "Move up", the last no "Move down"; every button names its row for screen readers
    assert agenda.count(">Move up<") == 2 and agenda.count(">Move down<") == 2
    assert re.search(r">Remove<span class=\"visually-hidden\">: Experts</span>", agenda)


def test_another_debates_rows_and_other_people_are_refused(client, debate, db, make_user, make_debate):
    other = make_debate(None, segments=(("Elsewhere", 5),))
    elsewhere = other.segments[0]
    client.sign_in("mod")
    url = f"/debates/{debate.id}/console/segments/{elsewhere.id}"
    assert client.post_form(url, {f"segment-{elsewhere.id}-title": "Mine now"}).status_code == 404
    client.sign_out()
    make_user("someone")
    client.sign_in("someone")
    own = _segment(debate, "Opening")
    assert client.post_form(f"/debates/{debate.id}/console/segments/{own.id}/action",
                            {"action": "remove"}).status_code == 403
    assert _titles(debate, db)[0] == "Opening"


# -- the public page ---------------------------------------------------------------------------------------


def test_the_public_page_fetches_its_programme_again_on_a_status_event(client, htmx_client, debate, db):
    page = client.get(f"/debates/{debate.id}").get_data(as_text=True)
    live = page.split('class="live" hx-ext="sse"', 1)[1]  # inside the page's event stream
    assert 'id="programme"' in live and 'hx-trigger="sse:status"' in live.split('id="programme"', 1)[1][:400]
    s.update_segment(debate, _segment(debate, "Experts"), title="The experts speak", planned_minutes=25)
    s.remove_panelist(debate, _panelist(debate, "Karim"))
    db.session.commit()
    part = htmx_client.get(f"/debates/{debate.id}?part=programme")
    text = text_of(part)
    assert "The experts speak" in text and "25 minutes" in text and "Karim" not in text
    assert "<html" not in part.get_data(as_text=True)
