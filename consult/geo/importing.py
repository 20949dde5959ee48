"""Import districts' shapes from a GeoJSON FeatureCollection (the command line and the admin form share it).

Each feature is matched to a district by a property (``code`` by default) holding the district's code; a
district missing from the database is created (named from the ``name`` property, else its code). Every feature
is checked before anything is written: one bad feature and nothing is saved, with the reason for each feature
refused (the first few).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.extensions import db
from consult.geo.geometry import GeometryError, validate
from consult.residency.models import District

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 500
SHOWN_PROBLEMS = 5


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


class ImportRefused(GeometryError):
    """Nothing was saved; ``problems`` lists (feature number, code or "", translated reason)."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def _parse(data: bytes) -> list:
    if len(data) > MAX_BYTES:
        raise ImportRefused(_l("The file is too large (at most 5 MB)."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ImportRefused(_l("The file is not valid JSON (GeoJSON is JSON, in UTF-8).")) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportRefused(_l("The file must hold a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ImportRefused(_l("The FeatureCollection has no features."))
    if len(features) > MAX_FEATURES:
        raise ImportRefused(_l("Too many features (at most %(max)s).", max=MAX_FEATURES))
    return features


def _feature(feature, key: str, name_key: str) -> tuple[str, str, dict]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise GeometryError(_l("This is not a GeoJSON Feature."))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise GeometryError(_l("The feature's properties must be an object."))
    code = properties.get(key)
    if isinstance(code, int | float) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not code.strip():
        raise GeometryError(_l("The feature has no “%(key)s” property to tell which district it is.",
                               key=key))
    code = code.strip()
    if len(code) > 40:
        raise GeometryError(_l("A district code has at most 40 characters."))
    name = properties.get(name_key)
    name = name.strip()[:120] if isinstance(name, str) and name.strip() else code
    return code, name, validate(feature.get("geometry"))


def import_geojson(data: bytes, *, key: str = "code", name_key: str = "name") -> ImportSummary:
    """Store the shapes of ``data`` (bytes of a FeatureCollection) on their districts; raises
    :class:`ImportRefused` (nothing written) when the file or any feature is wrong."""
    features = _parse(data)
    shapes: dict[str, tuple[str, dict]] = {}
    problems = []
    for number, feature in enumerate(features, start=1):
        try:
            code, name, shape = _feature(feature, key, name_key)
        except GeometryError as err:
            problems.append((number, "", err.message))
            continue
        if code in shapes:
            problems.append((number, code, _l("Another feature already has this code.")))
            continue
        shapes[code] = (name, shape)
    if problems:
        raise ImportRefused(_l("Nothing was saved. Features that could not be read: %(count)s.",
                               count=len(problems)), problems[:SHOWN_PROBLEMS])
    existing = {d.code: d for d in db.session.scalars(sa.select(District).where(District.code.in_(shapes)))}
    summary = ImportSummary()
    for code, (name, shape) in shapes.items():
        district = existing.get(code)
        if district is None:
            db.session.add(District(code=code, name=name, geometry=shape))
            summary.created.append(code)
        else:
            district.geometry = shape
            summary.updated.append(code)
    db.session.flush()
    return summary


def describe(err: ImportRefused) -> list[str]:
    """The refusal as lines a person can act on (translated)."""
    lines = [str(err.message)]
    for number, code, reason in err.problems:
        where = _l("Feature %(number)s (%(code)s)", number=number, code=code) if code else \
            _l("Feature %(number)s", number=number)
        lines.append(f"{where}: {reason}")
    return lines
