"""Fixtures for maps: the demo city's five district shapes, and the proposals' factories."""

from __future__ import annotations

import pytest

from consult.demo.geo import GEOJSON
from consult.extensions import db as _db
from consult.geo.importing import import_geojson
from tests.proposals.conftest import admin, make_process, make_proposal, make_resident  # noqa: F401


@pytest.fixture
def districts(db):
    """The demo's five districts with their shapes, by code."""
    from consult.residency.models import District

    import_geojson(GEOJSON.read_bytes())
    _db.session.commit()
    return {d.code: d for d in _db.session.query(District)}
