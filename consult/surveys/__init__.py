"""Surveys: questionnaires the organisers of a process attach to it (single and multiple choice, scale,
ranking, short and long text, matrix; conditional questions), answered anonymously or by name as the
organisers chose and said up front, with results (charts and tables) and a CSV file. The rules are written in
``services``, ``answers`` and ``policies``."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("surveys", __name__)

from consult.surveys import building, models, policies, services, views  # noqa: E402,F401


@bp.app_template_global()
def process_surveys(process):
    """The surveys of a process its page lists (drafts for its organisers)."""
    from consult.core.policy import can

    return services.surveys_of(process, include_drafts=bool(can("survey.manage", process)))


def _export(user) -> dict:
    """For "download my data": the surveys the person answered, and their answers where the survey is named
    (an anonymous survey's answers are not linked to anyone, so they cannot be given back). One query."""
    import sqlalchemy as sa

    from consult.extensions import db

    participant, response = models.SurveyParticipant, models.SurveyResponse
    rows = db.session.execute(
        sa.select(participant.survey_id, response.given_on, response.answers)
        .outerjoin(response, sa.and_(response.survey_id == participant.survey_id,
                                     response.user_id == participant.user_id))
        .where(participant.user_id == user.id).order_by(participant.survey_id)).all()
    return {"answered_surveys": sorted({r.survey_id for r in rows}),
            "named_responses": [{"survey_id": r.survey_id, "given_on": r.given_on.isoformat(),
                                 "answers": r.answers} for r in rows if r.given_on is not None]}


def _register():
    from consult.core import personal_data, targets
    from consult.notifications import services as notifications

    targets.register("survey", models.Survey)
    personal_data.register_exporter("surveys", _export)
    notifications.MESSAGES["survey_opened"] = _l("A survey is published in “%(title)s”: “%(survey)s”.")


_register()
