"""Outcomes: decisions become outcomes with actions, dated updates and public follow-up.

A receiver (below) turns each adopted motion of a closed council session into an outcome, from the same record
the minutes are drafted from.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from consult.core import records

bp = Blueprint("outcomes", __name__)

from consult.outcomes import models, policies, views  # noqa: E402,F401


def outcomes_for_session(session, **facts):
    """``council_session_closed`` receiver: one outcome per adopted motion of the session's record."""
    from consult.minutes import services as minutes_services
    from consult.outcomes import services

    minutes = minutes_services.original_for("council_session", session.id)
    record = minutes.record if minutes is not None else records.record_of("council_session", session)
    return services.outcomes_from_record(record, council_id=session.council_id,
                                         minutes_id=getattr(minutes, "id", None), actor=facts.get("actor"))


#: the connected receivers (blinker holds only weak references)
_receivers = {}


def _register():
    from consult.core import navigation, signals, targets

    navigation.register("outcomes.index", _l("Outcomes"), 75, "/outcomes")
    targets.register("outcome", models.Outcome)
    from consult.minutes import guarded

    _receivers["session"] = guarded(outcomes_for_session)
    signals.council_session_closed.connect(_receivers["session"])

    from consult.core import personal_data

    def export_contributions(user):
        from consult.extensions import db

        comments = db.session.scalars(db.select(models.FollowUpComment).where(
            models.FollowUpComment.author_id == user.id))
        updates = db.session.scalars(db.select(models.OutcomeUpdate)
                                     .where(models.OutcomeUpdate.author_id == user.id))
        return {
            "follow_up_comments": [{"outcome_id": c.outcome_id, "written_at": c.created_at.isoformat(),
                                    "text": c.body} for c in comments],
            "updates": [{"outcome_id": u.outcome_id, "posted_at": u.created_at.isoformat(), "text": u.text}
                        for u in updates],
        }

    personal_data.register_exporter("outcomes", export_contributions)


_register()
