"""District shapes as GeoJSON geometries (RFC 7946: longitude first, then latitude, WGS 84).

:func:`validate` checks what an administrator uploads (a ``Polygon`` or ``MultiPolygon`` with closed rings of
at least four positions, finite coordinates within the globe's ranges, size limits) and returns the geometry
in a normal form (two numbers a position, rounded to 7 decimals: about a centimetre). Self-intersections are
not looked for: a crossed ring still draws, and :func:`contains` follows the even-odd rule.

Other modules read stored geometries: bounds, a point inside for the label, whether a point is inside, and
:func:`random_point_in` (demo data: e.g. budget projects placed inside their district)::

    from consult.geo.geometry import random_point_in
    latitude, longitude = random_point_in(district.geometry, random.Random(7))
"""

from __future__ import annotations

import math
import random

from flask_babel import lazy_gettext as _l

from consult.core.errors import DomainError

#: at most this many positions in one district's geometry (a city district drawn by hand has a few hundred)
MAX_POSITIONS = 20000
MAX_POLYGONS = 200
MAX_RINGS = 200


class GeometryError(DomainError):
    """The uploaded shape is not one we can store (the message says why, translated)."""

    status_code = 422


def validate(geometry) -> dict:
    """The geometry in normal form, or :class:`GeometryError`."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise GeometryError(_l("The shape is not a GeoJSON geometry (an object with a “type”)."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(_l("A MultiPolygon needs a list of polygons."))
        if len(coordinates) > MAX_POLYGONS:
            raise GeometryError(_l("Too many polygons in one shape (at most %(max)s).", max=MAX_POLYGONS))
        polygons = coordinates
    else:
        raise GeometryError(_l("A district's shape must be a Polygon or a MultiPolygon, not “%(kind)s”.",
                               kind=str(kind)[:40]))
    budget = [MAX_POSITIONS]
    normal = [_polygon(p, budget) for p in polygons]
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": normal[0]}
    return {"type": "MultiPolygon", "coordinates": normal}


def _polygon(rings, budget: list[int]) -> list:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(_l("A polygon needs at least one ring of positions."))
    if len(rings) > MAX_RINGS:
        raise GeometryError(_l("Too many rings in one polygon (at most %(max)s).", max=MAX_RINGS))
    return [_ring(r, budget) for r in rings]


def _ring(ring, budget: list[int]) -> list:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_l("A ring needs at least four positions (the last one repeats the first)."))
    budget[0] -= len(ring)
    if budget[0] < 0:
        raise GeometryError(_l("The shape has too many points (at most %(max)s).", max=MAX_POSITIONS))
    positions = [_position(p) for p in ring]
    if positions[0] != positions[-1]:
        raise GeometryError(_l("A ring is not closed: its last position must repeat the first."))
    return positions


def _position(position) -> list[float]:
    if not isinstance(position, list | tuple) or len(position) not in (2, 3):
        raise GeometryError(_l("A position must be [longitude, latitude]."))
    numbers = []
    for value in position[:2]:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise GeometryError(_l("A position must be [longitude, latitude] in numbers."))
        numbers.append(round(float(value), 7))
    lon, lat = numbers
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(_l("A position is off the globe (longitude between -180 and 180, latitude "
                               "between -90 and 90; longitude comes first)."))
    return numbers


def polygons(geometry: dict | None) -> list[list]:
    """The geometry's polygons (each a list of rings), whatever its type."""
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def bounds(geometries) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around every geometry given, or None when there is none."""
    lons, lats = [], []
    for geometry in geometries:
        for polygon in polygons(geometry):
            for lon, lat in polygon[0]:
                lons.append(lon)
                lats.append(lat)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _ring_contains(ring, lon: float, lat: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict | None, latitude: float, longitude: float) -> bool:
    """Whether the point is inside the shape (outside its holes)."""
    for polygon in polygons(geometry):
        if _ring_contains(polygon[0], longitude, latitude) and not any(
                _ring_contains(hole, longitude, latitude) for hole in polygon[1:]):
            return True
    return False


def _area_centroid(ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-15:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def label_point(geometry: dict | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a point inside the shape's largest polygon, for its name on a map."""
    best = None
    for polygon in polygons(geometry):
        area, lon, lat = _area_centroid(polygon[0])
        if best is None or area > best[0]:
            best = (area, lon, lat, polygon)
    if best is None:
        return None
    _area, lon, lat, polygon = best
    single = {"type": "Polygon", "coordinates": polygon}
    if contains(single, lat, lon):
        return lat, lon
    # a crescent: the centroid is outside; scan the middle latitude for the widest inside stretch
    point = random_point_in(single, random.Random(0), tries=400)
    return point if point else (lat, lon)


def random_point_in(geometry: dict | None, rng: random.Random, *,
                    tries: int = 1000) -> tuple[float, float] | None:
    """A random (latitude, longitude) inside the shape (uniform over its bounding box, kept when inside), or
    None for an empty shape. ``rng`` makes it repeatable (demo data)."""
    box = bounds([geometry]) if geometry else None
    if box is None:
        return None
    west, south, east, north = box
    for _ in range(tries):
        lat = rng.uniform(south, north)
        lon = rng.uniform(west, east)
        if contains(geometry, lat, lon):
            return round(lat, 6), round(lon, 6)
    return None


def district_at(districts, latitude: float, longitude: float):
    """The first of ``districts`` whose shape holds the point, or None."""
    for district in districts:
        if contains(district.geometry, latitude, longitude):
            return district
    return None


def check_place(latitude, longitude, *, field: str | None = None) -> tuple[float, float] | tuple[None, None]:
    """A place given to a service: both numbers within the globe, or neither (no place). ``field``: the form
    field a refusal is shown next to."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise GeometryError(_l("Please give both the latitude and the longitude, or neither."), field=field)
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise GeometryError(_l("Please type the place as numbers, such as 42.0012 and 14.0031."),
                            field=field) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeometryError(_l("The latitude is between -90 and 90 and the longitude between -180 and 180."),
                            field=field)
    return round(lat, 6), round(lon, 6)
