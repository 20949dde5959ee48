"""Follows and notifications.

Rules kept here:

* a person follows an item at most once (unique constraint; following twice is harmless);
* ``notify_followers`` writes one in-app notification per follower except the actor and blocked or deleted
  accounts, and emails the followers that gave an address, in their own language. This fan-out is a task
  (``notifications.fan_out``) queued when the action commits: an item with thousands of followers costs the
  person who acted nothing, and a failed fan-out is retried whole (one transaction: nobody is told twice);
* mail leaves only once the transaction is committed, so a rolled-back action never sends mail; it goes
  through the task queue's outbox (``consult.core.mail``), never while the actor waits.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from consult.core import targets, tasks
from consult.core.db import insert_once
from consult.core.mail import mail_enabled, send_mails
from consult.core.models import utcnow
from consult.core.urls import external_url
from consult.extensions import db
from consult.notifications.labels import label_of
from consult.notifications.models import Follow, Notification

log = logging.getLogger(__name__)

#: event kind -> message; placeholders come from the notification's params (all strings)
MESSAGES = {
    "comment_posted": _l("%(actor)s commented on “%(title)s”."),
    "comment_replied": _l("%(actor)s replied to your comment on “%(title)s”."),
    "state_changed": _l("“%(title)s” is now: %(state)s."),
    "answer_published": _l("The city has published an answer to “%(title)s”."),
    "outcome_updated": _l("There is news about the outcome of “%(title)s”."),
    "content_hidden": _l("“%(title)s” was hidden by the moderators."),
}
GENERIC_MESSAGE = _l("There is news about “%(title)s”.")
#: event names other modules use for the same news
ALIASES = {"proposal.state_changed": "state_changed", "proposal.answered": "answer_published",
           "proposal.merged": "merged", "outcome.updated": "outcome_updated"}
MESSAGES["merged"] = _l("“%(title)s” was merged into another proposal.")

_state_labels: dict[str, dict] = {}


def register_state_labels(target_type: str, labels: dict) -> None:
    """Let notifications name the states of a content type (``{"accepted": _l("Accepted"), ...}``)."""
    _state_labels[target_type] = labels


def _state_label(target_type: str, code: str) -> str:
    labels = _state_labels.get(target_type)
    if labels is None:  # the model's module may declare STATE_LABELS (proposals do)
        import sys

        model = targets.model_for(target_type)
        labels = getattr(sys.modules.get(getattr(model, "__module__", ""), None), "STATE_LABELS", None) or {}
    label = labels.get(code)
    return str(label) if label is not None else _(code)


def follow(user, target) -> Follow:
    """Follow ``target`` (idempotent: the constraint decides, under any concurrency, in one ``INSERT ... ON
    CONFLICT DO NOTHING``) and return the follow."""
    target_type, target_id = targets.ref(target)
    insert_once(Follow, user_id=user.id, target_type=target_type, target_id=target_id)
    return _find(user, target_type, target_id)


def unfollow(user, target) -> None:
    """Stop following ``target`` (nothing happens when the person did not follow it)."""
    target_type, target_id = targets.ref(target)
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                               Follow.target_id == target_id))
    db.session.flush()


def is_following(user, target) -> bool:
    target_type, target_id = targets.ref(target)
    return _find(user, target_type, target_id) is not None


def _find(user, target_type, target_id):
    return db.session.scalar(sa.select(Follow).where(Follow.user_id == user.id,
                                                     Follow.target_type == target_type,
                                                     Follow.target_id == target_id))


def follower_count(target) -> int:
    target_type, target_id = targets.ref(target)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Follow).where(
        Follow.target_type == target_type, Follow.target_id == target_id)) or 0


def notify_followers(target, event: str, actor=None, **params) -> None:
    """Tell every follower of ``target`` (except ``actor``) that ``event`` happened, once the current
    transaction commits (the fan-out is the task :func:`fan_out`).

    ``params`` are stored as strings and fill the message when it is read (``title`` defaults to the target's
    title). A ``state`` (or ``new``) param is a state code, named when read through the labels given to
    :func:`register_state_labels` (or the ``STATE_LABELS`` of the model's module, as proposals have).
    """
    target_type, target_id = targets.ref(target)
    params = {k: str(v) for k, v in params.items() if v is not None}
    params.setdefault("title", label_of(target))
    fan_out.enqueue(target_type, target_id, event, getattr(actor, "id", None), params)


@tasks.task("notifications.fan_out", retries=5, retry_delay=30, backoff=2, short_write=True)
def fan_out(target_type: str, target_id: int, event: str, actor_id: int | None, params: dict
            ) -> list[Notification]:
    """One notification per follower of the target but the actor (none for blocked or deleted accounts), and
    the mail of those who gave an address; returns the notifications. A short write: the followers are read
    before SQLite's write lock is taken (one who follows meanwhile is told or not, as a moment later)."""
    from consult.accounts.models import User

    query = (sa.select(User).join(Follow, Follow.user_id == User.id)
             .where(Follow.target_type == target_type, Follow.target_id == target_id,
                    User.deleted_at.is_(None), User.is_blocked.is_(False)))
    if actor_id is not None:
        query = query.where(User.id != actor_id)
    followers = db.session.scalars(query.order_by(User.id)).all()
    created = [Notification(user_id=u.id, event=event, target_type=target_type, target_id=target_id,
                            actor_id=actor_id, params=params) for u in followers]
    db.session.add_all(created)
    db.session.flush()
    if mail_enabled():
        send_mails([_mail(user, notification)
                    for user, notification in zip(followers, created, strict=True) if user.email])
    return created


def message_for(notification: Notification) -> str:
    """The notification's sentence in the current language."""
    params = dict(notification.params or {})
    params.setdefault("title", "")
    actor = notification.actor
    params["actor"] = actor.public_name if actor is not None else _("Someone")
    if "state" in params:
        params["state"] = _state_label(notification.target_type, params["state"])
    elif "new" in params:
        params["state"] = _state_label(notification.target_type, params["new"])
    event = ALIASES.get(notification.event, notification.event)
    template = MESSAGES.get(event, GENERIC_MESSAGE)
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return str(GENERIC_MESSAGE) % {"title": params["title"]}


def _mail(user, notification: Notification) -> tuple[str, str, str]:
    with force_locale(user.language or "en"):
        subject = _("News on %(platform)s", platform=current_app.config["PLATFORM_NAME"])
        link = _link(notification)
        body = message_for(notification)
        if link:
            body += "\n\n" + link
        body += "\n\n" + _("You get this message because you follow this item. You can stop following it on "
                           "its page, or remove your email address from your profile.")
    return user.email, subject, body


def _link(notification: Notification) -> str:
    return external_url("notifications.open_target", target_type=notification.target_type,
                        target_id=notification.target_id)


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def unread_count_for_current_user() -> int:
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return 0
    if "consult_unread" not in g:
        g.consult_unread = unread_count(current_user)
    return g.consult_unread


def notifications_query(user):
    return (sa.select(Notification).options(joinedload(Notification.actor))
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def mark_read(user, notification: Notification | None = None) -> int:
    """Mark one notification (or all of them) as read; only the person's own."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification is not None:
        query = query.where(Notification.id == notification.id)
    result = db.session.execute(query.values(read_at=utcnow()))
    db.session.flush()
    return result.rowcount or 0
