"""Maps drawn on the server as SVG: the districts' shapes with their names and points (proposals, projects).

No tiles and no request to anyone else: the page carries the drawing. The projection suits a city:
longitude scaled by the cosine of the middle latitude (equirectangular), north up. :class:`Projection` turns
degrees into the drawing's pixels and back (the place picker turns a click on the map into a latitude and
longitude).

Points are objects or dicts with ``latitude``, ``longitude``, ``label``, ``url`` and ``kind`` (``proposal``,
``funded``, ``not_funded``, ``project``, ``chosen``...): each kind has its own shape as well as its colour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from consult.geo import geometry as geo

WIDTH = 600
PADDING = 14
#: light fills for the districts, in turn (labels carry the names: colour is never the only cue)
FILLS = ("#e6f0fa", "#fbeedd", "#e4f3e6", "#f3e6f3", "#f7f3da", "#e3f1f1", "#f2e4e1")
POINT_STYLES = {
    "funded": ("square", "#1d6b32"),
    "not_funded": ("ring", "#6b6b6b"),
    "chosen": ("cross", "#b3261e"),
}
DEFAULT_STYLE = ("circle", "#0b4f9c")


#: characters XML 1.0 does not allow (a standalone SVG is XML: one of them and the image would not show)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value) -> Markup:
    """Escaped for SVG text and attributes, without the characters XML refuses."""
    return escape(_NOT_XML.sub("", str(value)))


def _get(point, name, default=None):
    if isinstance(point, dict):
        return point.get(name, default)
    return getattr(point, name, default)


@dataclass(frozen=True)
class Projection:
    west: float
    south: float
    east: float
    north: float
    width: int = WIDTH

    @classmethod
    def around(cls, geometries, points=(), *, width: int = WIDTH) -> Projection | None:
        box = geo.bounds(geometries)
        placed = [(p[0], p[1]) for p in points]
        if box is None and not placed:
            return None
        lats = [p[0] for p in placed] + ([box[1], box[3]] if box else [])
        lons = [p[1] for p in placed] + ([box[0], box[2]] if box else [])
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        margin = 0.002  # a lone point or a thin shape still gets some room (about 200 m)
        if east - west < margin:
            west, east = west - margin, east + margin
        if north - south < margin:
            south, north = south - margin, north + margin
        return cls(west, south, east, north, width)

    @property
    def _k(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        inner = self.width - 2 * PADDING
        by_width = inner / ((self.east - self.west) * self._k)
        by_height = 1.2 * inner / (self.north - self.south)  # a tall city still fits a screen
        return min(by_width, by_height)

    @property
    def height(self) -> int:
        return math.ceil((self.north - self.south) * self.scale + 2 * PADDING)

    def xy(self, latitude: float, longitude: float) -> tuple[float, float]:
        x = PADDING + (longitude - self.west) * self._k * self.scale
        y = PADDING + (self.north - latitude) * self.scale
        return round(x, 1), round(y, 1)

    def latlon(self, x: float, y: float) -> tuple[float, float]:
        longitude = self.west + (x - PADDING) / (self._k * self.scale)
        latitude = self.north - (y - PADDING) / self.scale
        return round(latitude, 6), round(longitude, 6)

    def inside(self, latitude: float, longitude: float) -> bool:
        x, y = self.xy(latitude, longitude)
        return 0 <= x <= self.width and 0 <= y <= self.height


def projection_for(districts, points=(), *, width: int = WIDTH) -> Projection | None:
    placed = [(_get(p, "latitude"), _get(p, "longitude")) for p in points
              if _get(p, "latitude") is not None and _get(p, "longitude") is not None]
    return Projection.around([d.geometry for d in districts if d.geometry], placed, width=width)


def _path(projection: Projection, shape: dict) -> str:
    parts = []
    for polygon in geo.polygons(shape):
        for ring in polygon:
            coords = [projection.xy(lat, lon) for lon, lat in ring[:-1]]
            parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in coords) + " Z")
    return " ".join(parts)


def _marker(kind: str, x: float, y: float) -> str:
    shape, colour = POINT_STYLES.get(kind, DEFAULT_STYLE)
    if shape == "square":
        return (f'<rect x="{x - 6:g}" y="{y - 6:g}" width="12" height="12" fill="{colour}" stroke="#fff" '
                f'stroke-width="2"/>')
    if shape == "ring":
        return f'<circle cx="{x:g}" cy="{y:g}" r="6" fill="#fff" stroke="{colour}" stroke-width="3"/>'
    if shape == "cross":
        return (f'<circle cx="{x:g}" cy="{y:g}" r="9" fill="none" stroke="{colour}" stroke-width="3"/>'
                f'<path d="M{x - 13:g} {y:g} H{x + 13:g} M{x:g} {y - 13:g} V{y + 13:g}" stroke="{colour}" '
                f'stroke-width="2"/>')
    return f'<circle cx="{x:g}" cy="{y:g}" r="7" fill="{colour}" stroke="#fff" stroke-width="2"/>'


def _districts_svg(projection: Projection, districts) -> list[str]:
    shapes, labels = [], []
    for index, district in enumerate(d for d in districts if d.geometry):
        fill = FILLS[index % len(FILLS)]
        name = _text(district.name)
        shapes.append(f'<path class="geo-district" d="{_path(projection, district.geometry)}" fill="{fill}" '
                      f'stroke="#5a6b7b" stroke-width="1.5" fill-rule="evenodd"><title>{name}</title></path>')
        spot = geo.label_point(district.geometry)
        if spot:
            x, y = projection.xy(*spot)
            labels.append(f'<text x="{x:g}" y="{y:g}" text-anchor="middle" dominant-baseline="middle" '
                          f'font-size="13" font-family="sans-serif" fill="#1f2a33" stroke="#fff" '
                          f'stroke-width="3" paint-order="stroke">{name}</text>')
    return shapes + labels


def district_map(districts, points=(), *, label: str = "", width: int = WIDTH, standalone: bool = False,
                 link_points: bool = True, fit_points: bool = True) -> Markup:
    """The SVG of the districts (those with a shape) and the points (those with a place); empty Markup when
    there is nothing to draw. ``standalone``: a whole SVG document (an image for the place picker), without
    links. ``label`` names the map for assistive technology (the list beside it carries the same points).
    ``fit_points``: the drawing's frame takes in the points as well as the districts (the picker's frame is
    the districts' alone: its clicks are read back with the same frame)."""
    projection = projection_for(districts, points if fit_points else (), width=width)
    if projection is None:
        return Markup("")
    body = _districts_svg(projection, districts)
    for point in points:
        lat, lon = _get(point, "latitude"), _get(point, "longitude")
        if lat is None or lon is None or not projection.inside(lat, lon):
            continue
        x, y = projection.xy(lat, lon)
        title = _text(_get(point, "label") or "")
        mark = _marker(_get(point, "kind") or "proposal", x, y)
        url = _get(point, "url")
        if url and link_points and not standalone:
            body.append(f'<a href="{_text(url)}" class="geo-point" tabindex="-1" aria-label="{title}">'
                        f'<title>{title}</title>{mark}</a>')
        else:
            body.append(f'<g class="geo-point"><title>{title}</title>{mark}</g>')
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {projection.width} {projection.height}" '
            f'width="{projection.width}" height="{projection.height}" direction="ltr"')
    if standalone:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n' + head + ">"
        if label:
            head += f"<title>{_text(label)}</title>"
    else:
        head += f' class="geo-map" role="group" aria-label="{_text(label)}">'
    background = (f'<rect width="{projection.width}" height="{projection.height}" fill="#f8fafb"/>')
    return Markup(head + background + "".join(body) + "</svg>")
