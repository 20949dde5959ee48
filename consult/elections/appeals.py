"""Appeals against an election's results: any eligible voter or candidate may lodge one while the appeal
window is open (from the publication of the results to ``appeal_ends_at``); the organisers decide each,
upheld or dismissed, with a public reason. An upheld appeal does not change the count by itself: the
organisers act on it (a new count, a seat corrected by the council's secretary), and the decision says what
was done.

Services flush and never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.elections.models import DISMISSED, UPHELD, Election, ElectionAppeal
from consult.extensions import db

TEXT_MAX = 5000


def _text(value: str | None, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > TEXT_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=TEXT_MAX), field=field)
    return value


def lodge_appeal(election: Election, person, text: str) -> ElectionAppeal:
    enforce("election.appeal", person, election)
    appeal = ElectionAppeal(election_id=election.id, author_id=person.id,
                            text=_text(text, "text", _l("Please say what your appeal is about.")))
    db.session.add(appeal)
    db.session.flush()
    audit.record("elections.appeal_lodged", actor=person, subject=election, appeal_id=appeal.id)
    return appeal


def decide_appeal(appeal: ElectionAppeal, by, *, uphold: bool, reason: str) -> ElectionAppeal:
    enforce("election.decide_appeal", by, appeal)
    appeal.decision = _text(reason, "reason", _l("Please give the reason of the decision."))
    appeal.status = UPHELD if uphold else DISMISSED
    appeal.decided_by_id, appeal.decided_at = by.id, utcnow()
    db.session.flush()
    audit.record("elections.appeal_decided", actor=by, subject=appeal.election, appeal_id=appeal.id,
                 status=appeal.status)
    return appeal


def appeals_of(election: Election) -> list[ElectionAppeal]:
    return list(db.session.scalars(sa.select(ElectionAppeal).where(ElectionAppeal.election_id == election.id)
                                   .order_by(ElectionAppeal.lodged_at, ElectionAppeal.id)))
