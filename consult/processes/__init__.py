"""Processes: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("processes", __name__)
