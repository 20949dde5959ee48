"""Residence verification (register, resident-card codes, in person) and eligibility facts."""

from flask import Blueprint

bp = Blueprint("residency", __name__)

from consult.residency import policies, views  # noqa: E402,F401
