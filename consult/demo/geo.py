"""Demo maps: the five districts' shapes (``data/districts.geojson``, a fictional coastal city around 42° N,
14° E) and places on some demo proposals, each inside its district.

Other demo modules place things inside a district with
``consult.geo.geometry.random_point_in(district.geometry, rng)`` (a repeatable ``random.Random``).
"""

from __future__ import annotations

import random
from pathlib import Path

import sqlalchemy as sa

from consult.extensions import db
from consult.geo.geometry import random_point_in
from consult.geo.importing import import_geojson
from consult.proposals.models import Proposal
from consult.residency.models import District

GEOJSON = Path(__file__).parent / "data" / "districts.geojson"


def load() -> None:
    import_geojson(GEOJSON.read_bytes())
    rng = random.Random(42)
    centre = db.session.scalar(sa.select(District).where(District.code == "centro"))
    proposals = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    for index, proposal in enumerate(proposals):
        if index % 3 == 2:  # some proposals concern no place in particular
            continue
        district = proposal.district or centre
        point = random_point_in(district.geometry, rng) if district else None
        if point:
            proposal.latitude, proposal.longitude = point
    db.session.flush()
