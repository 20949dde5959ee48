"""Proposals: submission, supports, states and official answers, merges, translations, lists and search."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("proposals", __name__)

from consult.core import navigation, targets  # noqa: E402
from consult.proposals import models, personal, policies, search, views  # noqa: E402,F401

navigation.register("proposals.index", _l("Proposals"), 31, "/proposals")
targets.register("proposal", models.Proposal)
