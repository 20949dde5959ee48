"""Personal data held by notifications: what a person follows and the notifications they received."""

from __future__ import annotations

import sqlalchemy as sa

from consult.core import personal_data
from consult.extensions import db
from consult.notifications.models import Follow, Notification


def export_follows(user) -> list[dict]:
    rows = db.session.scalars(sa.select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return [{"target_type": f.target_type, "target_id": f.target_id, "since": f.created_at.isoformat()}
            for f in rows]


def export_notifications(user) -> list[dict]:
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return [{"event": n.event, "target_type": n.target_type, "target_id": n.target_id, "params": n.params,
             "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}
            for n in rows]


def erase_follows(user) -> None:
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id))


def erase_notifications(user) -> None:
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    # notifications others received keep the event, not who caused it
    db.session.execute(sa.update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))


personal_data.register_exporter("follows", export_follows)
personal_data.register_exporter("notifications", export_notifications)
personal_data.register_eraser("follows", erase_follows)
personal_data.register_eraser("notifications", erase_notifications)
