"""Processes: participatory processes with themes, districts, an eligibility rule and dated phases."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("processes", __name__)

from consult.core import navigation, targets  # noqa: E402
from consult.processes import models, policies, views  # noqa: E402,F401

navigation.register("processes.index", _l("Processes"), 30, "/processes")
targets.register("process", models.Process)
