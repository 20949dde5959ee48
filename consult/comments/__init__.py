"""Comments: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("comments", __name__)
