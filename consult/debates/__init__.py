"""Debates: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("debates", __name__)
