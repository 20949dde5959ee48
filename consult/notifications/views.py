"""Follow buttons, the notifications page and mark-as-read. Each view: load, authorize, validate, service."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.forms import ConfirmForm
from consult.core import targets
from consult.core.pagination import paginate
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, safe_next, wants_fragment
from consult.extensions import db
from consult.notifications import bp
from consult.notifications import services as notifications
from consult.notifications.labels import url_of
from consult.notifications.models import Notification


def load_target(target_type: str, target_id: int):
    """The content behind a reference, or 404."""
    obj = targets.resolve(target_type, target_id)
    if obj is None:
        abort(404)
    return obj


def _back(target, form: ConfirmForm) -> str:
    return safe_next(form.next.data, url_of(target) or url_for("notifications.index"))


@bp.route("/follow/<target_type>/<int:target_id>", methods=["POST"])
def follow(target_type, target_id):
    """Follow an item: its news then reaches the person (in the app, and by email if they gave one)."""
    return _follow_button(target_type, target_id, notifications.follow,
                          _("You follow this now. You will hear about its news."))


@bp.route("/unfollow/<target_type>/<int:target_id>", methods=["POST"])
def unfollow(target_type, target_id):
    """Stop following an item."""
    return _follow_button(target_type, target_id, notifications.unfollow, _("You no longer follow this."))


def _follow_button(target_type: str, target_id: int, work, message: str):
    """The follow button's two verbs: load the item, ask ``notifications.follow``, check the form (400),
    ``work(person, item)``; htmx gets the button again, a plain post the message and the page it came from."""
    target = load_target(target_type, target_id)
    require("notifications.follow", target)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    work(current_user, target)
    if wants_fragment():
        return render("notifications/_follow_button.html", target=target)
    flash(message, "success")
    return redirect_to(_back(target, form))


@bp.route("/notifications")
def index():
    """The person's notifications, newest first, with what is unread marked."""
    require("notifications.read")
    page = paginate(notifications.notifications_query(current_user), per_page=30)
    return render("notifications/index.html", page=page, message_for=notifications.message_for)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
def open_notification(notification_id):
    """Mark one notification as read and go to the item it is about."""
    require("notifications.read")
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.mark_read(current_user, notification)
    return redirect_to(url_for("notifications.open_target", target_type=notification.target_type,
                               target_id=notification.target_id))


@bp.route("/notifications/read", methods=["POST"])
def mark_all_read():
    """Mark every notification as read."""
    require("notifications.read")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.mark_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect_to(url_for("notifications.index"))


@bp.route("/go/<target_type>/<int:target_id>")
def open_target(target_type, target_id):
    """A stable link to any content (used in emails and lists): redirects to the page that shows it."""
    target = load_target(target_type, target_id)
    url = url_of(target)
    if url is None:
        abort(404)
    return redirect_to(url)
