"""The agenda of a council session: items and sub-items, their speakers, documents and linked proposals.

Rules kept here:

* Agenda items nest one level; moving an item swaps it with its neighbour among its siblings.
* Attachments are PDF or images, found from their first bytes (never from the name or the browser's claim),
  below a size limit, stored under a random name in ``instance/uploads/meetings``.
* An item that has had votes cannot be removed once the session is convened; nothing changes once it is
  closed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.core import uploads
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.extensions import db
from consult.meetings.locks import check_unlocked
from consult.meetings.models import (
    DRAFT,
    IN_PROGRESS,
    ITEM_KINDS,
    MOTION_DRAFT,
    AgendaItem,
    AgendaItemProposal,
    Attachment,
    CouncilSession,
    Speaker,
)
from consult.processes.models import Process
from consult.proposals.models import Proposal

DEFAULT_ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024
ATTACHMENT_AREA = "meetings"


def _item_values(item, *, title, description, kind, duration_minutes, presenter):
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Please give the item a title."), field="title")
    if kind not in ITEM_KINDS:
        raise DomainError(_l("Choose a kind from the list."), field="kind")
    if duration_minutes is not None and not 1 <= int(duration_minutes) <= 600:
        raise DomainError(_l("Choose a length between 1 and 600 minutes."), field="duration_minutes")
    item.title, item.description, item.kind = title[:200], description or "", kind
    item.duration_minutes = int(duration_minutes) if duration_minutes else None
    item.presenter = (presenter or "").strip()[:120]


def add_item(session: CouncilSession, *, title, description="", kind="information", duration_minutes=None,
             presenter="", parent: AgendaItem | None = None, proposal_ids=(), by=None) -> AgendaItem:
    """Add an item at the end of the agenda (or of its parent's sub-items: one level of nesting only)."""
    check_unlocked(session)
    if parent is not None and (parent.session_id != session.id or parent.parent_id is not None):
        raise DomainError(_l("A sub-item can only go under a main item of this agenda."), field="parent_id")
    item = AgendaItem(session_id=session.id, parent_id=parent.id if parent else None)
    _item_values(item, title=title, description=description, kind=kind, duration_minutes=duration_minutes,
                 presenter=presenter)
    siblings = [i for i in session.items if i.parent_id == item.parent_id]
    item.position = max((i.position for i in siblings), default=0) + 1
    session.items.append(item)
    db.session.flush()
    set_item_proposals(item, proposal_ids)
    return item


def update_item(item: AgendaItem, *, proposal_ids=None, **values) -> AgendaItem:
    check_unlocked(item.session)
    _item_values(item, **values)
    if proposal_ids is not None:
        set_item_proposals(item, proposal_ids)
    db.session.flush()
    return item


def set_item_proposals(item: AgendaItem, proposal_ids) -> None:
    """Link proposals by id (the proposals module may not know this one; ids must be positive)."""
    ids = []
    for raw in proposal_ids or ():
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise DomainError(_l("Proposal numbers are whole numbers."), field="proposal_ids") from None
        if value <= 0:
            raise DomainError(_l("Proposal numbers are whole numbers."), field="proposal_ids")
        if value not in ids:
            ids.append(value)
    item.proposal_links = [AgendaItemProposal(item_id=item.id, proposal_id=i) for i in ids]
    db.session.flush()


def move_item(item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its previous (``up``) or next (``down``) sibling; at the edge nothing moves."""
    check_unlocked(item.session)
    if direction not in ("up", "down"):
        raise DomainError(_l("Unknown direction."))
    siblings = sorted((i for i in item.session.items if i.parent_id == item.parent_id),
                      key=lambda i: i.position)
    # renumber first, so that equal positions never hide an order
    for n, sibling in enumerate(siblings, 1):
        sibling.position = n
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        first, second = siblings[index], siblings[other]
        first.position, second.position = second.position, first.position
    db.session.flush()
    db.session.expire(item.session, ["items"])
    return item


def delete_item(item: AgendaItem) -> None:
    check_unlocked(item.session)
    if item.session.status != DRAFT and any(m.status != MOTION_DRAFT for m in item.motions):
        raise Conflict(_l("This item has votes and cannot be removed."))
    session = item.session
    for path in [a.stored_name for a in item.attachments]:
        uploads.remove(ATTACHMENT_AREA, path)
    db.session.delete(item)
    db.session.flush()
    db.session.expire(session, ["items"])


def numbered_items(session: CouncilSession) -> list[tuple[str, AgendaItem]]:
    """The agenda in order with its numbers: ("1", item), ("1.1", sub-item), ("2", item)..."""
    items = sorted(session.items, key=lambda i: i.position)
    out = []
    for n, top in enumerate((i for i in items if i.parent_id is None), 1):
        out.append((str(n), top))
        for m, sub in enumerate((i for i in items if i.parent_id == top.id), 1):
            out.append((f"{n}.{m}", sub))
    return out


def record_item_progress(item: AgendaItem, *, notes: str | None = None, action: str | None = None,
                         now: datetime | None = None) -> AgendaItem:
    """Notes of the secretary, and the start (``start``) or end (``end``) of the item's discussion."""
    check_unlocked(item.session)
    if notes is not None:
        item.notes = notes
    if action == "start":
        if item.session.status != IN_PROGRESS:
            raise Conflict(_l("Start the session first."))
        item.started_at, item.ended_at = now or utcnow(), None
    elif action == "end":
        if item.started_at is None:
            raise Conflict(_l("This item has not started."))
        item.ended_at = now or utcnow()
    db.session.flush()
    return item


def add_speaker(item: AgendaItem, name: str) -> Speaker:
    """Add a speaker at the end of the item's list of speakers."""
    check_unlocked(item.session)
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please write the speaker's name."), field="name")
    speaker = Speaker(item_id=item.id, name=name[:120],
                      position=max((s.position for s in item.speakers), default=0) + 1)
    item.speakers.append(speaker)
    db.session.flush()
    return speaker


# ------------------------------------------------------------------------------------------------ attachments


def uploads_folder() -> Path:
    return uploads.folder(ATTACHMENT_AREA)


def add_attachment(item: AgendaItem, data: bytes, filename: str | None) -> Attachment:
    """Attach a PDF or image. The type is read from the content; the stored name is made by the server."""
    check_unlocked(item.session)
    limit = int(current_app.config.get("MEETINGS_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))
    stored = uploads.store(data, filename, area=ATTACHMENT_AREA, max_bytes=limit, field="file")
    attachment = Attachment(item_id=item.id, filename=stored.download_name, stored_name=stored.stored_name,
                            content_type=stored.media_type, size=stored.size)
    path = uploads_folder() / stored.stored_name
    item.attachments.append(attachment)
    try:
        db.session.flush()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return uploads_folder() / attachment.stored_name


# ------------------------------------------------------------------------------------------------ proposals


def proposal_titles(ids) -> dict[int, str]:
    """Titles of proposals by id, in one query."""
    ids = list({int(i) for i in ids})
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids))).all())


def qualified_proposals(council: Council) -> list[Proposal]:
    """Proposals that reached their threshold in processes that feed this council, waiting for a session."""
    return list(db.session.scalars(
        sa.select(Proposal).join(Process, Process.id == Proposal.process_id)
        .where(Proposal.state == "qualified", Process.council_id == council.id)
        .order_by(Proposal.id).limit(50)))
