"""Importing districts' shapes from GeoJSON: the service, the command line and the admins' upload form."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from consult.demo.geo import GEOJSON
from consult.extensions import db as _db
from consult.geo.importing import ImportRefused, describe, import_geojson
from consult.residency.models import District
from tests.helpers import text_of

SQUARE = [[[14.0, 42.0], [14.01, 42.0], [14.01, 42.01], [14.0, 42.01], [14.0, 42.0]]]


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(code, coordinates=SQUARE, **properties):
    return {"type": "Feature", "properties": {"code": code, **properties},
            "geometry": {"type": "Polygon", "coordinates": coordinates}}


def test_features_are_matched_by_code_and_missing_districts_created(db):
    _db.session.add(District(code="centro", name="Centro"))
    _db.session.flush()
    summary = import_geojson(_collection(_feature("centro", name="Ignored"), _feature("nuovo", name="Nuovo")))
    assert summary.created == ["nuovo"] and summary.updated == ["centro"]
    rows = {d.code: d for d in _db.session.scalars(sa.select(District))}
    assert rows["centro"].name == "Centro" and rows["centro"].geometry["type"] == "Polygon"
    assert rows["nuovo"].name == "Nuovo"
    # another key property, numbers as codes
    summary = import_geojson(_collection({"type": "Feature", "properties": {"ref": 7},
                                          "geometry": {"type": "Polygon", "coordinates": SQUARE}}), key="ref")
    assert summary.created == ["7"]


@pytest.mark.parametrize("data, words", [
    (b"\xff\xfe not json", "not valid JSON"),
    (b'{"type": "Feature"}', "FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": []}', "no features"),
    (b"x" * (5 * 1024 * 1024 + 1), "too large"),
])
def test_unreadable_files_are_refused(db, data, words):
    with pytest.raises(ImportRefused) as refused:
        import_geojson(data)
    assert words in str(refused.value.message)


def test_one_bad_feature_and_nothing_is_saved_with_each_reason(db):
    open_ring = [[[14.0, 42.0], [14.01, 42.0], [14.01, 42.01], [14.0, 42.01]]]
    data = _collection(_feature("good"), _feature("bad", open_ring), {"type": "Feature", "properties": {},
                                                                      "geometry": None}, _feature("good"))
    with pytest.raises(ImportRefused) as refused:
        import_geojson(data)
    lines = describe(refused.value)
    assert "Nothing was saved. Features that could not be read: 3." in lines[0]
    assert any(line.startswith("Feature 2:") and "not closed" in line for line in lines)
    assert any(line.startswith("Feature 3:") and "“code” property" in line for line in lines)
    assert any(line.startswith("Feature 4 (good):") and "already has this code" in line for line in lines)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(District)) == 0


def test_the_command_line_imports_and_explains_refusals(app, runner, db, tmp_path):
    result = runner.invoke(args=["districts", "import-geojson", str(GEOJSON)])
    assert result.exit_code == 0, result.output
    assert "Districts created: 5" in result.output
    bad = tmp_path / "bad.geojson"
    off = [[[14.0, 42.0], [200.0, 42.0], [14.0, 42.1], [14.0, 42.0]]]
    bad.write_bytes(_collection(_feature("centro", off)))
    result = runner.invoke(args=["districts", "import-geojson", str(bad)])
    assert result.exit_code == 1
    assert "Feature 1: A position is off the globe" in result.output


def test_the_admin_form_uploads_shapes_and_keeps_the_fields_on_error(client, db, make_user):
    make_user("boss", roles=("admin",))
    make_user("someone")
    client.sign_in("someone")
    assert client.get("/admin/districts").status_code == 403
    client.sign_out()
    client.sign_in("boss")
    page = client.get("/admin/districts")
    assert page.status_code == 200 and "Import shapes from GeoJSON" in text_of(page)
    assert 'href="/admin/districts" aria-current="page"' in page.get_data(as_text=True)  # the staff menu
    bad = client.post_form("/admin/districts", {"file": (io.BytesIO(b"[1, 2"), "d.geojson"), "key": "ref"},
                           content_type="multipart/form-data")
    assert bad.status_code == 422
    assert "not valid JSON" in text_of(bad) and 'value="ref"' in bad.get_data(as_text=True)
    missing = client.post_form("/admin/districts", {"key": "code"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Please choose a GeoJSON file." in text_of(missing)
    done = client.post_form("/admin/districts", {"file": (io.BytesIO(GEOJSON.read_bytes()), "d.geojson"),
                                                 "key": "code", "name_key": "name"},
                            content_type="multipart/form-data")
    assert done.status_code == 303
    page = client.get(done.headers["Location"])
    assert "Districts created: 5; updated: 0." in text_of(page)
    assert "<svg" in page.get_data(as_text=True) and "Lungomare" in text_of(page)
