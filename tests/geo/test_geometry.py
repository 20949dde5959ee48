"""District shapes: what an upload may hold, and the reading of stored shapes (inside, label point, random
point, bounds)."""

from __future__ import annotations

import json
import math
import random

import pytest

from consult.demo.geo import GEOJSON
from consult.geo import geometry as geo

SQUARE = {"type": "Polygon", "coordinates": [[[14.0, 42.0], [14.01, 42.0], [14.01, 42.01], [14.0, 42.01],
                                               [14.0, 42.0]]]}


def test_a_polygon_is_kept_in_normal_form():
    shape = {"type": "Polygon", "coordinates": [[[14, 42, 12.5], [14.01, 42], [14.01, 42.01], [14, 42]]]}
    assert geo.validate(shape) == {"type": "Polygon", "coordinates": [[[14.0, 42.0], [14.01, 42.0],
                                                                       [14.01, 42.01], [14.0, 42.0]]]}
    multi = geo.validate({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]})
    assert multi["type"] == "MultiPolygon" and geo.polygons(multi) == [SQUARE["coordinates"]]


@pytest.mark.parametrize("shape, words", [
    (None, "not a GeoJSON geometry"),
    ({"type": "Point", "coordinates": [14, 42]}, "Polygon or a MultiPolygon"),
    ({"type": "Polygon", "coordinates": []}, "at least one ring"),
    ({"type": "Polygon", "coordinates": [[[14, 42], [14.1, 42], [14, 42]]]}, "at least four positions"),
    ({"type": "Polygon", "coordinates": [[[14, 42], [14.1, 42], [14.1, 42.1], [14, 42.1]]]}, "not closed"),
    ({"type": "Polygon", "coordinates": [[[14, 42], [14.1, "42"], [14.1, 42.1], [14, 42]]]}, "in numbers"),
    ({"type": "Polygon", "coordinates": [[[14, 42], [14.1, math.nan], [14.1, 42.1], [14, 42]]]},
     "in numbers"),
    ({"type": "Polygon", "coordinates": [[[42, 14], [42, 200], [43, 14], [42, 14]]]}, "off the globe"),
    ({"type": "Polygon", "coordinates": [[[14, 42], [14.1, 42, 1, 2], [14.1, 42.1], [14, 42]]]},
     "[longitude, latitude]"),
    ({"type": "MultiPolygon", "coordinates": []}, "list of polygons"),
])
def test_bad_shapes_are_refused_with_a_reason(app, shape, words):
    with pytest.raises(geo.GeometryError) as refused:
        geo.validate(shape)
    assert words in str(refused.value.message)


def test_size_limits(app):
    ring = [[14 + i * 1e-5, 42 + (i % 2) * 1e-5] for i in range(geo.MAX_POSITIONS + 1)] + [[14, 42]]
    with pytest.raises(geo.GeometryError) as refused:
        geo.validate({"type": "Polygon", "coordinates": [ring]})
    assert "too many points" in str(refused.value.message)
    with pytest.raises(geo.GeometryError):
        many = [SQUARE["coordinates"]] * (geo.MAX_POLYGONS + 1)
        geo.validate({"type": "MultiPolygon", "coordinates": many})


def test_inside_outside_and_holes():
    hole = [[14.004, 42.004], [14.006, 42.004], [14.006, 42.006], [14.004, 42.004]]
    holed = {"type": "Polygon", "coordinates": SQUARE["coordinates"] + [hole]}
    assert geo.contains(SQUARE, 42.005, 14.005)
    assert not geo.contains(SQUARE, 42.02, 14.005)
    assert geo.contains(holed, 42.002, 14.002)
    assert not geo.contains(holed, 42.0045, 14.0055)
    assert geo.bounds([SQUARE]) == (14.0, 42.0, 14.01, 42.01)
    assert geo.bounds([None]) is None


def test_the_label_point_is_inside_even_for_a_crescent():
    crescent = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 8], [8, 8],
                                                    [8, 2], [0, 2], [0, 0]]]}
    lat, lon = geo.label_point(crescent)
    assert geo.contains(crescent, lat, lon)
    assert geo.label_point(None) is None


def test_random_points_fall_inside_each_demo_district():
    rng = random.Random(3)
    shapes = {f["properties"]["code"]: f["geometry"] for f in json.loads(GEOJSON.read_text())["features"]}
    assert set(shapes) == {"centro", "porto", "collina", "stazione", "mare"}
    for code, shape in shapes.items():
        for _ in range(20):
            lat, lon = geo.random_point_in(shape, rng)
            assert geo.contains(shape, lat, lon)
            inside = [c for c, s in shapes.items() if geo.contains(s, lat, lon)]
            assert inside == [code]  # the demo districts do not overlap
    assert geo.random_point_in(None, rng) is None


def test_check_place(app):
    assert geo.check_place(None, None) == (None, None)
    assert geo.check_place("42.1234567", 14) == (42.123457, 14.0)
    for bad in ((42, None), (91, 0), (0, 181), ("x", 1), (math.inf, 0)):
        with pytest.raises(geo.GeometryError):
            geo.check_place(*bad)
