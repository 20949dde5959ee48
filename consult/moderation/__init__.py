"""Moderation: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
