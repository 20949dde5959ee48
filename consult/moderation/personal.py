"""Personal data in moderation: the reports a person made (exported; erased with the account)."""

import sqlalchemy as sa

from consult.core import personal_data
from consult.extensions import db
from consult.moderation.models import Report
from consult.moderation.services import reports_by


def export_reports(user) -> list[dict]:
    return [{"on": f"{r.target_type}/{r.target_id}", "reason": r.reason, "note": r.note,
             "created_at": r.created_at.isoformat()} for r in reports_by(user)]


def erase_reports(user) -> None:
    db.session.execute(sa.update(Report).where(Report.reporter_id == user.id).values(reporter_id=None,
                                                                                     note=""))


personal_data.register_exporter("reports", export_reports)
personal_data.register_eraser("reports", erase_reports)
