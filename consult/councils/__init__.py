"""Councils: councils of cultures and other standing bodies, their memberships, roles and terms."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("councils", __name__)

from consult.core import navigation, personal_data, targets  # noqa: E402
from consult.councils import models, overlaps, page, participation, personal, policies, views  # noqa: E402,F401

navigation.register("councils.index", _l("Councils"), 45, "/councils")
targets.register("council", models.Council)
personal_data.register_exporter("councils", personal.export)
