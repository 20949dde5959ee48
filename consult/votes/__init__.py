"""Votes: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("votes", __name__)
