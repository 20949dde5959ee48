"""Comment verbs. Rules kept here:

* only people the policy ``comment.post`` allows on the item may comment (signed in, not blocked, and what the
  item's ``comment_decision`` says);
* replies go at most three levels deep, and stay on the same item as their parent;
* text is 1 to 5,000 characters of Markdown; the alignment is in favour, against or neutral;
* an edit keeps the previous version (the history is public); deleting leaves "deleted" in the thread;
* the item's ``comment_count`` (when it has one) follows, in the same transaction;
* followers of the item are notified, and the author follows it from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import format_datetime, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consult.comments.models import ALIGNMENTS, MAX_DEPTH, Comment, CommentRevision
from consult.core import targets
from consult.core.errors import DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.core.text import render_markdown
from consult.extensions import db

MAX_LENGTH = 5000


def _check_text(body: str | None, alignment: str | None) -> tuple[str, str]:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Please write your comment."), field="body")
    if len(body) > MAX_LENGTH:
        raise DomainError(_l("A comment can have at most %(max)s characters.", max=MAX_LENGTH), field="body")
    if alignment not in ALIGNMENTS:
        raise DomainError(_l("Please choose in favour, against or neutral."), field="alignment")
    return body, alignment


def _adjust_count(target, delta: int) -> None:
    """Move the item's counter in SQL (``count = count + 1``), from the value the database holds when it
    writes: two comments posted at once both count, even where the request read the item before another
    comment was committed (PostgreSQL; SQLite's short writes). One statement, which also gives the new value
    back to the item in memory without marking it changed (no ORM update of the item, hence no re-indexing
    of its text)."""
    if target is None or not hasattr(target, "comment_count"):
        return
    model = type(target)
    moved = model.comment_count + delta
    count = db.session.execute(
        sa.update(model).where(model.id == target.id)
        .values(comment_count=sa.case((moved < 0, 0), else_=moved))
        .returning(model.comment_count).execution_options(synchronize_session=False)).scalar()
    if count is not None:
        set_committed_value(target, "comment_count", count)


def check_reply(parent: Comment, target) -> int:
    """The depth a reply to ``parent`` on ``target`` would have, or a ``DomainError`` saying why there can be
    none (another item's comment, a deleted or hidden one, one already at the deepest level)."""
    if (parent.target_type, parent.target_id) != targets.ref(target):
        raise DomainError(_l("This reply does not belong to this page."))
    if parent.is_deleted or parent.is_hidden:
        raise DomainError(_l("You cannot reply to a deleted or hidden comment."))
    if parent.depth >= MAX_DEPTH:
        raise DomainError(_l("Replies can go only %(max)s levels deep. Please reply to an earlier comment "
                             "in this conversation instead.", max=MAX_DEPTH))
    return parent.depth + 1


def post_comment(author, target, body: str, alignment: str = "neutral",
                 parent: Comment | None = None) -> Comment:
    """Add a comment on ``target`` (or a reply to ``parent`` on the same item)."""
    decision = policies.decide("comment.post", author, target)
    if not decision:
        raise NotAllowed(decision.reason)
    body, alignment = _check_text(body, alignment)
    target_type, target_id = targets.ref(target)
    depth = 1 if parent is None else check_reply(parent, target)
    comment = Comment(target_type=target_type, target_id=target_id, parent_id=getattr(parent, "id", None),
                      depth=depth, author_id=author.id, body=body, alignment=alignment)
    db.session.add(comment)
    _adjust_count(target, +1)
    db.session.flush()

    from consult.notifications import services as notifications

    notifications.notify_followers(target, "comment_posted", actor=author)
    notifications.follow(author, target)
    return comment


def edit_comment(comment: Comment, editor, body: str, alignment: str) -> Comment:
    """Change a comment's text or alignment; the previous version is kept and shown in its history."""
    decision = policies.decide("comment.edit", editor, comment)
    if not decision:
        raise NotAllowed(decision.reason)
    body, alignment = _check_text(body, alignment)
    if body == comment.body and alignment == comment.alignment:
        return comment
    db.session.add(CommentRevision(comment_id=comment.id, body=comment.body, alignment=comment.alignment,
                                   written_at=comment.edited_at or comment.created_at))
    comment.body = body
    comment.alignment = alignment
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(comment: Comment, actor) -> Comment:
    """The author removes their comment: its text and history go, "deleted" stays so replies keep their
    place."""
    decision = policies.decide("comment.delete", actor, comment)
    if not decision:
        raise NotAllowed(decision.reason)
    comment.deleted_at = utcnow()
    comment.body = ""
    comment.revisions.clear()
    _adjust_count(targets.resolve(comment.target_type, comment.target_id), -1)
    db.session.flush()
    return comment


@dataclass
class ThreadNode:
    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


@dataclass
class Thread:
    target: object
    target_type: str
    target_id: int
    roots: list[ThreadNode]
    count: int

    @property
    def key(self) -> str:
        return f"{self.target_type}-{self.target_id}"


def load_thread(target) -> Thread:
    """The whole conversation on ``target`` in one query (authors joined, without their own relationships:
    a comment shows only the author's public name), as a tree, oldest first.

    ``count`` is the number of comments not deleted by their authors, as ``comment_count`` keeps it.
    """
    target_type, target_id = targets.ref(target)
    rows = db.session.scalars(
        sa.select(Comment).options(joinedload(Comment.author).lazyload("*"))
        .where(Comment.target_type == target_type, Comment.target_id == target_id)
        .order_by(Comment.created_at, Comment.id)).unique().all()
    nodes = {c.id: ThreadNode(c) for c in rows}
    roots = []
    for c in rows:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.replies if parent else roots).append(nodes[c.id])
    count = sum(1 for c in rows if not c.is_deleted)
    return Thread(target, target_type, target_id, roots, count)


#: a comment's Markdown as safe HTML: ``render_markdown`` keeps the HTML of recent texts itself
comment_html = render_markdown


@lru_cache(maxsize=8192)
def _short_datetime(moment: datetime, _locale: str, _timezone: str) -> str:
    return format_datetime(moment, "short")


def comment_clock():
    """``clock(moment)``: ``moment|datetime("short")`` in this reader's locale and time zone (read once),
    memoised under both."""
    locale, timezone = str(get_locale()), str(get_timezone())
    return lambda moment: _short_datetime(moment, locale, timezone)


def comments_by(user, *, with_revisions: bool = False) -> list[Comment]:
    query = sa.select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    if with_revisions:
        query = query.options(selectinload(Comment.revisions))
    return list(db.session.scalars(query))
