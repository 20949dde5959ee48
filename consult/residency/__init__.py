"""Residence verification (register, resident-card codes, in person) and eligibility facts."""

from flask import Blueprint

bp = Blueprint("residency", __name__)

from consult.core import personal_data  # noqa: E402
from consult.residency import policies, services, views  # noqa: E402,F401

personal_data.register_exporter("residency", services.export_personal_data)
personal_data.register_eraser("residency", services.erase_personal_data)
