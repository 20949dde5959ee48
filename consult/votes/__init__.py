"""Votes: polls, secret ballots, participation, tallies (methods in ``votes/methods/``), paper tallies,
results.

Other modules create polls through ``consult.votes.services`` (``create_poll``, ``open_poll``, ``close_poll``,
``cast_ballot``, ``results``) and decide who may vote in their polls with ``services.register_owner``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from consult.core import navigation, personal_data, targets

bp = Blueprint("votes", __name__)

from consult.votes import models, paper_models, paper_views, policies, views  # noqa: E402,F401

navigation.register("votes.index", _l("Votes"), 40, "/polls")
targets.register("poll", models.Poll)


def _export(user):
    from consult.votes.services import export_personal_data

    return export_personal_data(user)


personal_data.register_exporter("votes", _export)
