"""Map pages: the place picker's image (an SVG drawn here, never a tile from elsewhere) and the admins' page
for the districts' shapes (upload a GeoJSON FeatureCollection)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext as _

from consult.core.policy import require
from consult.core.rendering import render, submit
from consult.extensions import db
from consult.geo import bp
from consult.geo.forms import PICKER_WIDTH, DistrictsUploadForm, mapped_districts
from consult.geo.importing import ImportRefused, describe, import_geojson
from consult.geo.svg import district_map
from consult.residency.models import District


def _coordinate(name: str, low: float, high: float) -> float | None:
    value = request.args.get(name, type=float)
    return value if value is not None and low <= value <= high else None


@bp.route("/map/districts.svg")
def picker_image():
    """The districts drawn at the picker's size, with the chosen place (``?lat=&lon=``) marked."""
    require("geo.view_map")
    lat, lon = _coordinate("lat", -90, 90), _coordinate("lon", -180, 180)
    chosen = [{"latitude": lat, "longitude": lon, "label": _("The chosen place"), "kind": "chosen"}] \
        if lat is not None and lon is not None else []
    districts = mapped_districts()
    svg = district_map(districts, chosen, label=_("Map of the districts"), width=PICKER_WIDTH,
                       standalone=True, fit_points=False)
    if not svg:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PICKER_WIDTH}" height="40" '
               f'viewBox="0 0 {PICKER_WIDTH} 40"></svg>')
    response = current_app.response_class(str(svg), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def _page(form, status: int = 200, refusal: list[str] | None = None, summary=None):
    districts = db.session.scalars(sa.select(District).order_by(District.name)).all()
    return render("geo/districts.html", form=form, districts=districts, refusal=refusal, summary=summary,
                  status=status)


@bp.route("/admin/districts", methods=["GET", "POST"])
def districts():
    """The districts and their shapes; upload a GeoJSON FeatureCollection to draw or redraw them."""
    require("geo.manage_districts")
    form = DistrictsUploadForm()
    refusal: list[str] = []

    def run():
        storage = form.file.data
        try:
            return import_geojson(storage.read(), key=form.key.data or "code",
                                  name_key=form.name_key.data or "name")
        except ImportRefused as err:
            refusal.extend(describe(err))
            raise

    def done(summary):
        return url_for("geo.districts", created=len(summary.created), updated=len(summary.updated))

    return submit(form, run, done=done,
                  success=lambda s: _("Shapes saved. Districts created: %(created)s; updated: %(updated)s.",
                                      created=len(s.created), updated=len(s.updated)),
                  page=lambda status: _page(form, status, refusal))
