"""Councils: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("councils", __name__)
