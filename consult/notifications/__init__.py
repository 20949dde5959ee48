"""Notifications: people follow any content and hear (in the app, and by email when they gave one) about
it."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from consult.notifications import models, policies, views  # noqa: E402,F401
from consult.notifications import personal as _personal  # noqa: E402,F401


@bp.app_template_global()
def unread_notifications() -> int:
    """Unread notifications of the signed-in person (one query per page, cached on ``g``)."""
    from consult.notifications.services import unread_count_for_current_user

    return unread_count_for_current_user()


@bp.app_template_global()
def is_following(target) -> bool:
    from flask_login import current_user

    from consult.notifications.services import is_following as _is_following

    return bool(getattr(current_user, "is_authenticated", False)) and _is_following(current_user, target)


@bp.app_template_global()
def target_ref(target) -> tuple[str, int]:
    """``(target_type, target_id)`` of a content object, for URLs and element ids in templates."""
    from consult.core import targets

    return targets.ref(target)
