"""Minutes: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)
