"""Meetings: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
