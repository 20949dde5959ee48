"""Personal data in comments: exported on request. Comments are not erased with the account: they stay in
the conversation, shown as written by a "former participant"."""

from consult.comments.services import comments_by
from consult.core import personal_data


def export_comments(user) -> list[dict]:
    return [{"id": c.id, "on": f"{c.target_type}/{c.target_id}", "reply_to": c.parent_id, "text": c.body,
             "alignment": c.alignment, "created_at": c.created_at.isoformat(),
             "edited_at": c.edited_at.isoformat() if c.edited_at else None,
             "deleted_at": c.deleted_at.isoformat() if c.deleted_at else None,
             "earlier_versions": [r.body for r in c.revisions]}
            for c in comments_by(user, with_revisions=True)]


personal_data.register_exporter("comments", export_comments)
