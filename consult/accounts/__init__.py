"""Accounts: sign-up, sign-in and sign-out, profile, passwords, reset codes, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from consult.accounts import policies, views  # noqa: E402,F401

# isort: split
from consult.accounts import data_views  # noqa: E402,F401
