"""Outcomes: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
