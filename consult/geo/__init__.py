"""Maps: districts' shapes (GeoJSON), server-drawn SVG maps with an accessible list beside them, and a place
picker for forms that works without JavaScript. ``flask districts import-geojson FILE`` loads the shapes."""

from flask import Blueprint

bp = Blueprint("geo", __name__, cli_group="districts")

from consult.geo import cli, policies, views  # noqa: E402,F401
from consult.geo.svg import district_map  # noqa: E402


def point_attr(point, name: str, default=None):
    """A point's field, whether it is a dict or an object (the map macro's points)."""
    if isinstance(point, dict):
        return point.get(name, default)
    return getattr(point, name, default)


def _placed(points):
    return [p for p in points or () if point_attr(p, "latitude") is not None
            and point_attr(p, "longitude") is not None]


bp.add_app_template_global(district_map, "district_map")
bp.add_app_template_global(point_attr, "point_attr")
bp.add_app_template_filter(_placed, "selectattr_place")


@bp.app_template_global()
def map_districts():
    """The districts that have a shape (read once a request), for ``place_map``."""
    from flask import g

    from consult.geo.forms import mapped_districts

    if "geo_districts" not in g:
        g.geo_districts = mapped_districts()
    return g.geo_districts
