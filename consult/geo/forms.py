"""Form fields for maps: :class:`PlaceField`, a place chosen by clicking the district map — with no
JavaScript: the map is an ``<input type="image">``, whose click sends its x and y with the form, turned here
into a latitude and longitude — or typed as two numbers (the keyboard way), or left empty (no place).

A click on the map sends the form, so the view shows the form again with the place chosen instead of saving
(``field.picked``; see :func:`place_picked`); the person clicks again to move it, and saves with the form's
own button. Any form may use it (proposals, budget projects)::

    place = PlaceField(_l("Place (optional)"))
    ...
    if place_picked(form): return the form page again (200)
    latitude, longitude = form.place.data or (None, None)
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import Field, StringField, SubmitField, ValidationError
from wtforms.validators import Length, Optional

from consult.core.forms import BaseForm, strip_filter
from consult.extensions import db
from consult.geo import geometry as geo
from consult.geo.svg import Projection, projection_for
from consult.residency.models import District

#: the picker's drawing is shown at this size (its pixels are the click's coordinates: never scaled)
PICKER_WIDTH = 480


def mapped_districts() -> list[District]:
    """The districts that have a shape, in a stable order (the picker's image and its clicks agree)."""
    return list(db.session.scalars(sa.select(District).where(District.geometry.is_not(None))
                                   .order_by(District.code)))


def picker_projection(districts=None) -> Projection | None:
    return projection_for(mapped_districts() if districts is None else districts, width=PICKER_WIDTH)


def _number(text: str) -> float | None:
    text = (text or "").strip().replace(",", ".").replace("−", "-")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(_l("Please type the place as numbers, such as 42.0012 and 14.0031.")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(_l("Please type the place as numbers, such as 42.0012 and 14.0031."))
    return value


class PlaceField(Field):
    """``data``: ``(latitude, longitude)`` or None. Inputs: ``<name>-map`` (the image; the browser sends
    ``<name>-map.x`` and ``.y``), ``<name>-latitude``, ``<name>-longitude``."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", _l("Click the map to choose the place (click again to move it), or "
                                             "type its latitude and longitude. Leave both empty for no "
                                             "particular place."))
        super().__init__(label, validators, **kwargs)
        self.picked = False
        self.raw = ("", "")

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.picked = False
        self.data = tuple(data) if data and None not in data else None
        self.raw = tuple("" if v is None else f"{v:g}" for v in (self.data or (None, None)))
        if formdata is None:
            return
        x, y = formdata.get(f"{self.name}-map.x"), formdata.get(f"{self.name}-map.y")
        if x is not None and y is not None:
            self._from_click(x, y)
            if self.picked:
                return
        latitude = formdata.get(f"{self.name}-latitude", "")[:40]
        longitude = formdata.get(f"{self.name}-longitude", "")[:40]
        self.raw = (latitude, longitude)
        try:
            lat, lon = _number(latitude), _number(longitude)
        except ValueError as err:
            self.process_errors.append(err.args[0])
            self.data = None
            return
        if (lat is None) != (lon is None):
            self.process_errors.append(_l("Please give both the latitude and the longitude, or neither."))
            self.data = None
            return
        self.data = None if lat is None else (lat, lon)

    def _from_click(self, x: str, y: str) -> None:
        try:
            px, py = int(float(x[:20])), int(float(y[:20]))
        except (ValueError, OverflowError):
            return
        if px <= 0 and py <= 0:  # the Enter key "clicks" the first image button at 0,0: not a choice
            return
        projection = picker_projection()
        if projection is None:
            return
        self.data = projection.latlon(px, py)
        self.raw = tuple(f"{v:g}" for v in self.data)
        self.picked = True

    def pre_validate(self, form):
        if self.data is None:
            return
        try:
            geo.check_place(*self.data)
        except geo.GeometryError as err:
            raise ValidationError(err.message) from None
        projection = picker_projection()
        if projection is not None and not projection.inside(*self.data):
            raise ValidationError(_l("This place is outside the city's map."))

    def image_url(self) -> str:
        args = {"lat": f"{self.data[0]:g}", "lon": f"{self.data[1]:g}"} if self.data else {}
        return url_for("geo.picker_image", **args)

    def __call__(self, **kwargs):
        projection = picker_projection()
        return Markup(render_template("geo/_place_field.html", field=self, projection=projection))


def place_picked(form) -> bool:
    """The form was sent by a click on one of its maps (show it again with the place, do not save)."""
    return any(isinstance(f, PlaceField) and f.picked for f in form)


class DistrictsUploadForm(BaseForm):
    file = FileField(_l("Districts file (GeoJSON)"),
                     validators=[FileRequired(message=_l("Please choose a GeoJSON file."))],
                     description=_l("A FeatureCollection of Polygons or MultiPolygons, longitude first (as "
                                    "GeoJSON always is), at most 5 MB."))
    key = StringField(_l("Property holding the district's code"), default="code", filters=[strip_filter],
                      validators=[Optional(), Length(max=60)])
    name_key = StringField(_l("Property holding the name of a new district"), default="name",
                           filters=[strip_filter], validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Import the shapes"))
