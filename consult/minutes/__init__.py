"""Minutes: drafted from a closed session's or debate's record, edited, approved, published, exported.

Receivers (connected below) draft the minutes when a council session closes (from its record,
``consult.core.records``) or a debate closes (from the record the ``debate_closed`` signal carries), and
approve minutes when a council adopts a motion that names them (``motion.approves_minutes_id``).
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from consult.core import records

bp = Blueprint("minutes", __name__)

from consult.minutes import models, policies, services, views  # noqa: E402,F401


@bp.app_template_filter("minutes_title")
def minutes_title(minutes):
    """The title of ``minutes`` for a page, in their language, a name of the other direction in ``<bdi>``."""
    from consult.minutes.drafting import display_title, title_markup

    return title_markup(display_title(minutes))


def guarded(receiver):
    """A receiver must never make the sender's action fail: its writes go in a savepoint, and an error in it
    is logged and undone while the session or debate still closes (the minutes can be drafted later)."""
    import functools
    import logging

    @functools.wraps(receiver)
    def wrapper(sender, **facts):
        from consult.extensions import db

        try:
            with db.session.begin_nested():
                return receiver(sender, **facts)
        except Exception:  # noqa: BLE001
            logging.getLogger(__name__).exception("%s failed for %r", receiver.__name__, sender)
            return None

    return wrapper


def draft_for_session(session, **facts):
    """``council_session_closed`` receiver: the minutes draft, complete from the session's record (approved by
    the council's president until someone chooses approval by motion)."""
    record = records.record_of("council_session", session)
    return services.create_draft(record, source_type="council_session", source_id=session.id,
                                 council_id=session.council_id, actor=facts.get("actor"))


def draft_for_debate(debate, *, record: dict, **facts):
    """``debate_closed`` receiver: the minutes draft of the debate, from the record the signal carries
    (``debates.record.debate_record``)."""
    return services.create_draft(record, source_type="debate", source_id=debate.id, actor=facts.get("actor"))


def approve_by_motion(motion, verdict=None, **facts):
    """``motion_decided`` receiver: an adopted motion that names minutes (``approves_minutes_id``) approves
    them."""
    minutes_id = getattr(motion, "approves_minutes_id", None)
    if verdict != "adopted" or not minutes_id:
        return None
    from consult.extensions import db

    minutes = db.session.get(models.Minutes, minutes_id)
    if minutes is None:
        return None
    reference = str(_l("Motion adopted: %(text)s", text=(getattr(motion, "text", "") or "")[:200]))
    return services.approve_by_motion(minutes, motion, reference=reference)


#: the connected receivers (kept here: blinker holds only weak references)
_receivers = {}


def _register():
    _receivers.update(session=guarded(draft_for_session), debate=guarded(draft_for_debate),
                      motion=guarded(approve_by_motion))
    from consult.core import navigation, personal_data, signals, targets

    navigation.register("minutes.index", _l("Minutes"), 70, "/minutes")
    targets.register("minutes", models.Minutes)
    signals.council_session_closed.connect(_receivers["session"])
    signals.debate_closed.connect(_receivers["debate"])
    signals.motion_decided.connect(_receivers["motion"])

    def export_revisions(user):
        from consult.extensions import db

        rows = db.session.scalars(db.select(models.MinutesRevision)
                                  .where(models.MinutesRevision.author_id == user.id))
        return [{"minutes_id": r.minutes_id, "revision": r.number, "saved_at": r.created_at.isoformat()}
                for r in rows]

    personal_data.register_exporter("minutes_revisions", export_revisions)


_register()
