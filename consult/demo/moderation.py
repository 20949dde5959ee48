"""Demo moderation: a fact-check note against a rumour, a report waiting in the queue, one hidden comment."""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts.models import User
from consult.comments import services as comments
from consult.core import targets
from consult.core.errors import DomainError
from consult.extensions import db
from consult.moderation import services as moderation


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def load() -> None:
    moderator = _user("moderator")
    model = targets.model_for("proposal")
    if moderator is None or model is None:
        return
    item = db.session.scalar(sa.select(model).where(model.state != "draft").order_by(model.id))
    if item is None:
        return
    try:
        rumour = comments.post_comment(_user("newcomer") or moderator, item,
                                       "I heard that residents without citizenship lose their benefits if "
                                       "they sign a proposal.", "against")
        spam = comments.post_comment(_user("observer"), item, "Cheap flights!!! Visit my site now", "neutral")
    except DomainError:
        return
    moderation.add_note(rumour, moderator,
                        "This is not true. Taking part on this platform never changes anyone's rights or "
                        "benefits, and the city never shares who takes part.",
                        ["https://porto-aperto.example/participation-rights"])
    moderation.report(_user("resident"), spam, "spam", "Advertising")
    moderation.hide(spam, moderator, "Advertising, not about the proposal.")
    # a report that waits in the queue for the demo moderator
    moderation.report(_user("member"), rumour, "misinformation",
                      "This rumour scares people away from taking part.")
    db.session.flush()
