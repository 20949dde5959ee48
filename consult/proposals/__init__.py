"""Proposals: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
