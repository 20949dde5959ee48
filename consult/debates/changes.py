"""What every verb of a debate shares: who acts (:class:`Participant`), the refusal of any change to an ended
debate (:func:`not_ended`), and the announcement of a change to the live screens (:func:`changed`).

Every change that screens must show calls :func:`changed`, which bumps ``debate.version`` and hands the change
to the event fan-out (``events``) for after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consult.core.errors import Conflict, DomainError
from consult.debates import events
from consult.debates.models import Debate
from consult.extensions import db


class RateLimited(DomainError):
    """Too many actions of one participant in a short time."""

    status_code = 429


@dataclass(frozen=True)
class Participant:
    """Who acts in a debate: an account (``u:<id>``) or an anonymous browser (``a:<key>``)."""

    key: str
    user: object | None = None
    name: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None


def not_ended(debate: Debate) -> None:
    """Nothing changes in an ended debate (``Conflict``), except reading it."""
    if debate.is_ended:
        raise Conflict(_l("This debate has ended. Nothing can be changed any more."))


def changed(debate: Debate, *parts: str) -> None:
    """Mark parts of the live screens as changed: bump the version; subscribers hear it after the commit.

    The version is raised by the database (``version = version + 1``), not from the value this request read:
    two changes committed at the same moment (two phones liking at once, a like and the end of the debate)
    each get their own version. Two changes announced with one version would let a screen keep the rendering
    of the first and skip the second as "already sent" (a like shown as 0, "Live now" after the end)."""
    db.session.flush()
    version = db.session.execute(
        sa.update(Debate).where(Debate.id == debate.id).values(version=Debate.version + 1)
        .returning(Debate.version).execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(debate, "version", version)
    events.after_commit(db.session, debate, parts)
