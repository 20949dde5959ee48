"""Civic lotteries: panels drawn by lot from a pool of volunteers, with quotas, from a seed published in
advance, so that anyone can re-run the draw from the open data and get the same panel."""

from flask import Blueprint

bp = Blueprint("lotteries", __name__)
