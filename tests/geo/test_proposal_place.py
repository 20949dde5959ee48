"""A proposal's place: chosen by a click on the district map (no JavaScript: an image button), typed, or none;
shown on the proposal's page and on the map beside its process's list."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db as _db
from consult.geo.forms import picker_projection
from consult.proposals.models import Proposal
from tests.helpers import text_of


def _fields(process, **extra):
    return {"title": "Benches by the harbour", "body": "Shade and benches.", "language": "en", "theme": 0,
            "district": 0, **extra}


def _latest():
    return _db.session.scalar(sa.select(Proposal).order_by(Proposal.id.desc()))


def test_a_click_on_the_map_chooses_the_place_and_saves_nothing(client, districts, make_process,
                                                                 make_resident):
    process = make_process()
    make_resident(username="ana")
    client.sign_in("ana")
    form = client.get(f"/processes/{process.id}/proposals/new")
    html = form.get_data(as_text=True)
    assert 'type="image" name="place-map"' in html and "/map/districts.svg" in html
    x, y = picker_projection().xy(42.01, 14.03)  # in Porto
    clicked = client.post_form(f"/processes/{process.id}/proposals/new",
                               _fields(process, **{"place-map.x": int(x), "place-map.y": int(y)}))
    assert clicked.status_code == 200
    assert "Place chosen on the map" in text_of(clicked)
    assert _latest() is None  # nothing saved
    html = clicked.get_data(as_text=True)
    assert 'value="Benches by the harbour"' in html  # what was typed is kept
    typed = {"place-latitude": html.split('name="place-latitude"')[1].split('value="')[1].split('"')[0],
             "place-longitude": html.split('name="place-longitude"')[1].split('value="')[1].split('"')[0]}
    assert abs(float(typed["place-latitude"]) - 42.01) < 0.0005
    assert abs(float(typed["place-longitude"]) - 14.03) < 0.0005
    assert "lat=42.01" in html  # the image marks the chosen place
    saved = client.post_form(f"/processes/{process.id}/proposals/new", _fields(process, **typed))
    assert saved.status_code == 303
    proposal = _latest()
    assert abs(proposal.latitude - 42.01) < 0.0005 and abs(proposal.longitude - 14.03) < 0.0005
    preview = client.get(saved.headers["Location"])
    assert "Where this proposal is" in text_of(preview) and "<svg" in preview.get_data(as_text=True)


def test_typed_places_are_checked_and_kept_on_error(client, districts, make_process, make_resident):
    process = make_process()
    make_resident(username="ana")
    client.sign_in("ana")
    url = f"/processes/{process.id}/proposals/new"
    for typed, words in ((("42,0", ""), "both the latitude and the longitude"),
                         (("north", "14"), "as numbers"),
                         (("45.0", "9.0"), "outside the city"),
                         (("95", "14"), "between -90 and 90")):
        answer = client.post_form(url, _fields(process, **{"place-latitude": typed[0],
                                                           "place-longitude": typed[1]}))
        assert answer.status_code == 422, typed
        assert words in text_of(answer)
        assert f'value="{typed[0]}"' in answer.get_data(as_text=True)
    assert _latest() is None
    typed = {"place-latitude": "42,005", "place-longitude": "14.0"}
    answer = client.post_form(url, _fields(process, **typed))
    assert answer.status_code == 303 and (_latest().latitude, _latest().longitude) == (42.005, 14.0)
    for x, y in (("1e400", "5"), ("nan", "5"), ("x", "y")):  # not a click: the form is checked as sent
        answer = client.post_form(url, _fields(process, **{"place-map.x": x, "place-map.y": y,
                                                          "place-latitude": "91", "place-longitude": "0"}))
        assert answer.status_code == 422
    # the Enter key "clicks" the first image button at 0,0: the form is sent as usual, not as a choice
    answer = client.post_form(url, _fields(process, **{"place-map.x": "0", "place-map.y": "0"}))
    assert answer.status_code == 303 and _latest().latitude is None


def test_edit_keeps_moves_or_removes_the_place(client, districts, make_process, make_resident, make_proposal):
    process = make_process()
    author = make_resident(username="ana")
    proposal = make_proposal(process, author, publish=False)
    proposal.latitude, proposal.longitude = 42.0, 14.0
    _db.session.commit()
    client.sign_in("ana")
    page = client.get(f"/proposals/{proposal.id}/edit")
    assert 'value="42"' in page.get_data(as_text=True) and "lat=42" in page.get_data(as_text=True)
    answer = client.post_form(f"/proposals/{proposal.id}/edit",
                              _fields(process, **{"place-latitude": "", "place-longitude": ""}))
    assert answer.status_code == 303
    _db.session.refresh(proposal)
    assert proposal.latitude is None and proposal.longitude is None


def test_the_page_and_the_process_list_show_the_map_with_a_list(client, districts, make_process,
                                                                 make_resident, make_proposal):
    process = make_process()
    author = make_resident(username="ana")
    placed = make_proposal(process, author, title="Benches by the harbour")
    placed.latitude, placed.longitude = 42.01, 14.03
    make_proposal(process, author, title="No place in particular")
    withdrawn = make_proposal(process, author, title="Taken back")
    withdrawn.latitude, withdrawn.longitude, withdrawn.state = 42.0, 14.0, "withdrawn"
    _db.session.commit()
    page = client.get(f"/proposals/{placed.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Where this proposal is" in html and "<svg" in html and "Porto" in html
    listing = client.get(f"/proposals?process_id={process.id}")
    html = listing.get_data(as_text=True)
    assert "Proposals of this process on the map" in html
    figure = html.split('class="geo-figure"')[1].split("</figure>")[0]
    assert f'href="/proposals/{placed.id}"' in figure and "No place in particular" not in figure
    assert "Taken back" not in figure  # as the list by default: open or answered
    assert "<svg" not in client.get("/proposals").get_data(as_text=True)  # the whole list: no map
    other = make_proposal(process, author, title="Elsewhere")
    assert "<svg" not in client.get(f"/proposals/{other.id}").get_data(as_text=True)


def test_open_data_gives_the_place(client, districts, make_process, make_resident, make_proposal):
    process = make_process()
    author = make_resident(username="ana")
    placed = make_proposal(process, author, title="Benches by the harbour")
    placed.latitude, placed.longitude = 42.01, 14.03
    plain = make_proposal(process, author, title="No place in particular")
    _db.session.commit()
    item = client.get(f"/api/v1/proposals/{placed.id}").get_json()["data"]
    assert (item["latitude"], item["longitude"]) == (42.01, 14.03)
    assert client.get(f"/api/v1/proposals/{plain.id}").get_json()["data"]["latitude"] is None
    csv = client.get("/api/v1/proposals.csv").get_data(as_text=True)
    assert "latitude,longitude" in csv.splitlines()[0] and "42.01,14.03" in csv
