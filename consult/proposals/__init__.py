"""Proposals: submission, supports, states and official answers, merges, translations, lists and search."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, lazyload

bp = Blueprint("proposals", __name__)

from consult.core import navigation, targets  # noqa: E402
from consult.processes.models import Process  # noqa: E402
from consult.proposals import amendments_views, models, personal, policies, search, views  # noqa: E402,F401

navigation.register("proposals.index", _l("Proposals"), 31, "/proposals")
# the rules asked of a commented or reported proposal read its process (with its eligibility rule, joined) and
# its phases (when a rule asks for them), never its themes and districts
targets.register("proposal", models.Proposal, load=(
    joinedload(models.Proposal.process).options(lazyload(Process.themes), lazyload(Process.districts),
                                                lazyload(Process.phases)),))
