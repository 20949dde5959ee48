"""Meetings: council sessions, agenda items, attendance, quorum, motions and the session record."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from consult.core import records, targets  # noqa: E402
from consult.councils import personal as council_data  # noqa: E402
from consult.meetings import (  # noqa: E402,F401
    council_views,
    models,
    personal,
    policies,
    record,
    secret_votes,
    versions,
    views,
)

targets.register("council_session", models.CouncilSession)
targets.register("agenda_item", models.AgendaItem)
targets.register("motion", models.Motion)
records.register("council_session", record.session_record)
council_data.add_part("named_votes", personal.named_votes)
secret_votes.register()
