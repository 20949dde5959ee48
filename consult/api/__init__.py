"""Api: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("api", __name__)
