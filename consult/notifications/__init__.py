"""Notifications: see the module map in the README."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
