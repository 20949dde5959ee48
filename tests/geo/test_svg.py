"""The server-drawn map: districts with their names, points with accessible titles and links, the projection
and its inverse (the place picker reads clicks back with it), and the picker's image."""

from __future__ import annotations

from xml.etree import ElementTree

from consult.geo.svg import Projection, district_map, projection_for

NS = "{http://www.w3.org/2000/svg}"


def test_the_map_draws_districts_and_points(app, districts):
    points = [{"latitude": 42.005, "longitude": 14.0, "label": "Benches <here>", "url": "/proposals/1",
               "kind": "proposal"},
              {"latitude": 41.99, "longitude": 14.03, "label": "Funded", "kind": "funded"},
              {"latitude": None, "longitude": None, "label": "Nowhere"}]
    svg = str(district_map(list(districts.values()), points, label="Proposals"))
    root = ElementTree.fromstring(svg)  # well-formed XML, names escaped
    assert root.get("role") == "group" and root.get("aria-label") == "Proposals"
    names = [t.text for t in root.iter(f"{NS}text")]
    assert sorted(names) == ["Centro Storico", "Collina", "Lungomare", "Porto", "Stazione"]
    links = list(root.iter(f"{NS}a"))
    assert [a.get("href") for a in links] == ["/proposals/1"]
    assert links[0].find(f"{NS}title").text == "Benches <here>"
    assert len(list(root.iter(f"{NS}rect"))) == 2  # background + the funded project's square
    assert "Nowhere" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_nothing_to_draw_gives_empty_markup(app):
    assert str(district_map([], [])) == ""


def test_projection_round_trip_and_aspect(app, districts):
    projection = projection_for(list(districts.values()))
    assert projection.width == 600
    # the demo city is ~6.9 km wide and ~4.4 km tall: the drawing keeps that shape
    assert 0.55 < (projection.height - 28) / (projection.width - 28) < 0.75
    x, y = projection.xy(42.0, 14.0)
    assert projection.latlon(x, y) == (42.0, 14.0) or abs(projection.latlon(x, y)[0] - 42.0) < 1e-4
    assert projection.inside(42.0, 14.0) and not projection.inside(43.0, 14.0)
    lone = Projection.around([], [(42.0, 14.0)])
    assert lone.inside(42.0, 14.0)


def test_the_picker_image_marks_the_chosen_place(client, districts):
    answer = client.get("/map/districts.svg?lat=42.005&lon=14.0")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(answer.get_data())
    assert root.get("width") == "480"
    assert "The chosen place" in answer.get_data(as_text=True)
    assert client.get("/map/districts.svg?lat=abc&lon=1000").status_code == 200


def test_names_with_characters_xml_refuses_still_make_a_valid_image(app):
    from consult.residency.models import District

    shape = {"type": "Polygon", "coordinates": [[[14.0, 42.0], [14.01, 42.0], [14.01, 42.01], [14.0, 42.0]]]}
    district = District(code="x", name="Bad\x00\x0c name <script>&amp;\ud800", geometry=shape)
    svg = str(district_map([district], [{"latitude": 42.001, "longitude": 14.008, "label": "\x01<b>"}],
                           label="A \x0b map", standalone=True))
    root = ElementTree.fromstring(svg.split("\n", 1)[1])
    assert [t.text for t in root.iter(f"{NS}text")] == ["Bad name <script>&amp;"]
