"""The comments section's thread as plain rows, and its HTML cached between readers.

Each view first reads the thread's *version*, one row of ``comment_thread`` that database triggers replace
with a new random number at any change of what the thread shows: a comment's columns (a new comment, an edit,
a deletion, a hide or a restore) or an author's public name (a new name, an erased account:
"Former participant"); see ``consult.comments.versions``. The cached HTML depends on that version
(``THREAD_HTML``), so any of those changes is a new entry at once: nothing is invalidated, nothing stale is
shown. The same query brings the thread's rows (plain rows, no ORM objects), but only when the version
differs from that of the rows the process already holds for the item (``THREAD_ROWS``): a page runs one
query for its thread whether its HTML is cached or not, and reads one row when it is.

A page shows a bounded part of a long thread (``consult.comments.paging``: the first and latest
conversations, "more" links between), so the HTML kept is per *part* too: the item's page, or one "more"
page.

The HTML also depends on what differs between readers: language and time zone, the page the forms return to,
whether the reader is signed in, may reply, may report, is blocked, and (only for a reader who wrote comments
in this thread) who they are, because they see edit and delete links on their own comments. The CSRF token,
which is each reader's own, is put in on the way out. A thread re-shown with a refused reply form is rendered
for that request only.

Both regions are bounded in each worker: at most 12 million characters of HTML (a part of a thread is 20-100
thousand) and 8 million of rows, so a worker stays within its memory budget whatever people read. A thread's
HTML the same for every reader of a kind is sent as it is, and its compressed stream is reused
(``precompressed``).
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import g, has_request_context, render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import aliased

from consult.comments import paging
from consult.comments.models import Comment, CommentFacts, CommentThread
from consult.core import cache, targets
from consult.core.policy import can
from consult.core.templating import csrf_field
from consult.extensions import db

#: stands for the reader's CSRF input in a cached copy; unguessable, so no comment text can contain it
_CSRF_MARK = f"<!--csrf-{secrets.token_hex(12)}-->"


class ThreadComment(CommentFacts):
    """One comment of the thread, from a plain row: what the thread shows and what its policies read."""

    __slots__ = ("id", "parent_id", "depth", "author_id", "body", "alignment", "created_at", "edited_at",
                 "deleted_at", "hidden_at", "hidden_reason", "author_name", "author_erased",
                 "target_type", "target_id")

    def __init__(self, row: tuple, target: tuple = (None, None)):
        (self.id, self.parent_id, self.depth, self.author_id, self.body, self.alignment, self.created_at,
         self.edited_at, self.deleted_at, self.hidden_at, self.hidden_reason, self.author_name,
         self.author_erased) = row
        #: the item the thread is on (a place's rule, such as a council's, asks where the comment is)
        self.target_type, self.target_id = target
        self.created_at = _moment(self.created_at)

    @property
    def shows_author(self) -> bool:
        """False when the comment shows "Former participant" (no author any more, or an erased account)."""
        return self.author_id is not None and not self.author_erased


#: where a row (``ThreadComment``'s order) has its author and its deletion
_AUTHOR_ID, _DELETED_AT = (ThreadComment.__slots__.index("author_id"),
                           ThreadComment.__slots__.index("deleted_at"))


@dataclass
class Node:
    comment: ThreadComment
    replies: list[Node]


class ThreadRows:
    """The conversation on one item as plain rows, oldest first; the tree is built only when rendered."""

    def __init__(self, target_type: str, target_id: int, rows: tuple[tuple, ...]):
        self.target_type, self.target_id, self.rows = target_type, target_id, rows

    @property
    def key(self) -> str:
        return f"{self.target_type}-{self.target_id}"

    @cached_property
    def not_deleted(self) -> int:
        """Comments not deleted by their authors (counted once per rows held)."""
        return sum(1 for row in self.rows if row[_DELETED_AT] is None)

    @cached_property
    def authors(self) -> dict[int, int]:
        """How many comments each author wrote here (counted once per rows held)."""
        counts: dict[int, int] = {}
        for row in self.rows:
            if row[_AUTHOR_ID] is not None:
                counts[row[_AUTHOR_ID]] = counts.get(row[_AUTHOR_ID], 0) + 1
        return counts

    @cached_property
    def roots(self) -> list[Node]:
        target = (self.target_type, self.target_id)
        nodes = {row[0]: Node(ThreadComment(row, target), []) for row in self.rows}
        roots = []
        for node in nodes.values():
            parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
            (parent.replies if parent else roots).append(node)
        return roots

    @cached_property
    def layout(self) -> paging.Layout:
        """Which comments each page of the thread shows (``consult.comments.paging``), worked out once."""
        return paging.Layout(self.roots)


class ThreadStamp:
    """The version of the conversation on one item (see the module's docstring), its rows, and how many of its
    comments the reader wrote."""

    def __init__(self, target_type: str, target_id: int, version: int | None, rows: ThreadRows,
                 me: int | None):
        self.target_type, self.target_id, self.version, self.rows = target_type, target_id, version, rows
        #: comments in the thread (deleted ones too: they keep their place)
        self.total = len(rows.rows)
        #: comments not deleted by their authors (as ``comment_count`` keeps it)
        self.count = rows.not_deleted
        #: the reader's comments in the thread
        self.own = 0 if me is None else rows.authors.get(me, 0)

    @property
    def key(self) -> str:
        return f"{self.target_type}-{self.target_id}"


class _Raw(sa.types.TypeDecorator):
    """A timestamp as the driver gives it (SQLite: text, PostgreSQL: datetime): holding rows needs no more,
    and the few times a thread is rendered convert the creation times (``_moment``)."""

    impl = sa.types.NullType
    cache_ok = True


def _moment(value) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _row_columns(comment, user) -> tuple:
    """The columns of a ``ThreadComment``, in its order."""
    return (comment.id, comment.parent_id, comment.depth, comment.author_id, comment.body, comment.alignment,
            *(sa.type_coerce(column, _Raw) for column in (comment.created_at, comment.edited_at,
                                                          comment.deleted_at, comment.hidden_at)),
            comment.hidden_reason, user.display_name, user.deleted_at.is_not(None))


def load_rows(target_type: str, target_id: int) -> ThreadRows:
    """The thread on an item in one query of plain rows (the ORM would only add its bookkeeping to them)."""
    from consult.accounts.models import User

    result = db.session.connection().execute(
        sa.select(*_row_columns(Comment, User)).outerjoin(User, User.id == Comment.author_id)
        .where(Comment.target_type == target_type, Comment.target_id == target_id)
        .order_by(Comment.created_at, Comment.id))
    return ThreadRows(target_type, target_id, tuple(map(tuple, result)))


@functools.cache
def _thread_select():
    """The one statement a thread needs (built once: building it costs more than running it). Parameters:
    ``target_type``, ``target_id`` and ``held`` (the version of the rows held, or None). Each result row has
    the thread's version and a comment's columns; when the version is the one held, one row with the version
    and no comment. A thread without a version (no comment yet, or a database without the triggers) always
    brings its rows."""
    from consult.accounts.models import User

    target_type, target_id = (sa.bindparam("target_type", type_=sa.String),
                              sa.bindparam("target_id", type_=sa.Integer))
    version = (sa.select(sa.func.max(CommentThread.version).label("version"))
               .where(CommentThread.target_type == target_type, CommentThread.target_id == target_id)
               .cte("thread_version"))
    held = sa.bindparam("held", type_=sa.BigInteger)
    changed = sa.or_(held.is_(None), version.c.version.is_(None), version.c.version != held)
    comment, user = aliased(Comment, name="c"), aliased(User, name="u")
    return (sa.select(version.c.version, *_row_columns(comment, user)).select_from(version)
            .outerjoin(comment, sa.and_(comment.target_type == target_type, comment.target_id == target_id,
                                        changed))
            .outerjoin(user, user.id == comment.author_id)
            .order_by(comment.created_at, comment.id))


def _rows_size(rows: tuple[tuple, ...]) -> int:
    return sum(len(row[4] or "") + 100 for row in rows)


class _WithForms(NamedTuple):
    """A thread's HTML whose forms need the reader's CSRF token (in place of ``_CSRF_MARK``)."""

    html: Markup


#: the latest rows of each recently shown thread, ``(version, ThreadRows)``: checked against the thread's
#: version at every view (``load_stamp``); the process's own objects, never shared
THREAD_ROWS = cache.region("comment_thread_rows", depends_on=("thread",), max_entries=256, max_size=8_000_000,
                           size_of=lambda held: _rows_size(held[1].rows), local=True)
#: a part of a thread's HTML for a kind of reader (``_reader``): the item's page (``("page",)``) or a "more"
#: page (``("part", parent, after, before, focus)``); a new version of the thread is a new entry. HTML
#: without forms is the same for every such reader and goes out as it is; HTML with forms is ``_WithForms``
THREAD_HTML = cache.region("comment_thread_html",
                           depends_on=("thread", "version", "part", "next_path", "reader"),
                           varies_on=(cache.language, cache.time_zone), max_entries=256, max_size=12_000_000,
                           size_of=lambda entry: len(entry.html if isinstance(entry, _WithForms) else entry),
                           precompressed=True)


#: where a page that read a thread's version with its own rows leaves it for ``load_stamp`` (in ``g``)
_PREFETCHED = "consult_thread_versions"


def prefetch_version(thread: tuple[str, int], version: int | None, commented: bool) -> None:
    """The version of the thread on ``thread`` (``(target_type, target_id)``) and whether it has comments,
    read by the page with its own rows (the proposal page reads them with the proposal): ``load_stamp`` then
    runs no query when the process holds that version's rows, or when there is no comment."""
    if has_request_context():
        g.setdefault(_PREFETCHED, {})[thread] = (version, commented)


def load_stamp(target) -> ThreadStamp:
    """The thread's version, and its rows, in one query of one row: the rows come only when the version
    differs from that of the rows this process already holds for the item (otherwise those are used); no
    query at all when the page read the version already (``prefetch_version``) and it is the one held, or
    the item has no comment."""
    target_type, target_id = targets.ref(target)
    held = THREAD_ROWS.get(thread=(target_type, target_id))
    known, commented = (g.get(_PREFETCHED, {}).get((target_type, target_id), (None, True))
                        if has_request_context() else (None, True))
    if not commented:
        return ThreadStamp(target_type, target_id, None, ThreadRows(target_type, target_id, ()), None)
    if held is not None and known is not None and known == held[0]:
        me = current_user.id if current_user.is_authenticated else None
        return ThreadStamp(target_type, target_id, known, held[1], me)
    params = {"target_type": target_type, "target_id": target_id, "held": None if held is None else held[0]}
    result = db.session.connection().execute(_thread_select(), params).all()
    version = result[0][0]
    fresh = tuple(tuple(row[1:]) for row in result if row[1] is not None)
    if held is not None and version is not None and version == held[0]:
        rows = held[1]
    else:
        rows = ThreadRows(target_type, target_id, fresh)
        if version is not None:
            THREAD_ROWS.put((version, rows), thread=(target_type, target_id))
    me = current_user.id if current_user.is_authenticated else None
    return ThreadStamp(target_type, target_id, version, rows, me)


def _may_report(thread: ThreadStamp) -> bool:
    """Whether the reader may report others' comments in this thread: decided once, on a comment of someone
    else in it (the rule asks nothing else of a comment), and followed by every row."""
    if not current_user.is_authenticated:
        return False
    others = ThreadComment((None,) * (len(ThreadComment.__slots__) - 2),
                           (thread.target_type, thread.target_id))
    return bool(can("moderation.report", others))


def _reader(thread: ThreadStamp, may_post: bool, may_report: bool) -> tuple:
    """What in the thread's HTML depends on the reader (see the module's docstring)."""
    if not current_user.is_authenticated:
        return ("visitor",)
    return ("reader", bool(may_post), may_report, bool(getattr(current_user, "is_blocked", False)),
            current_user.id if thread.own else None)


def thread_html(thread: ThreadStamp, *, may_post, next_path: str, form=None, reply_to=None,
                show: int | None = None) -> Markup:
    """The ``<ol>`` of the item's page for this reader: the first and latest conversations (see
    ``consult.comments.paging``), and the comment ``show`` where it is in the conversation; from the cache
    when it holds this version for this kind of reader."""
    layout = thread.rows.layout
    if reply_to and form is not None and form.errors:  # a refused reply is shown with its errors, once
        show = reply_to
    if show is not None and (show not in layout.nodes or layout.shown_by_default(show)):
        show = None
    context = dict(may_post=may_post, next_path=next_path, items_only=False, focus=False)
    if reply_to and form is not None and form.errors:
        return _render(thread, layout.page(show), form=form, reply_to=reply_to, **context)
    if show is not None:  # a link to one comment: rare, and the variants are many; not kept
        return _render(thread, layout.page(show), **context)
    return _cached(thread, ("page",), lambda: layout.page(None), **context)


def part_html(thread: ThreadStamp, parent_id: int | None, after: int | None, before: int | None, *,
              may_post, next_path: str, focus: bool) -> Markup | None:
    """The ``<li>`` items of a "more" page (``paging.Layout.part``), the first one focused when ``focus``
    (an htmx answer: it takes the place of the link that asked for it); None when there is no such list."""
    layout = thread.rows.layout
    if layout.part(parent_id, after, before) is None:
        return None
    return _cached(thread, ("part", parent_id, after, before, focus),
                   lambda: layout.part(parent_id, after, before), may_post=may_post, next_path=next_path,
                   items_only=True, focus=focus)


def _render(thread: ThreadStamp, entries: list, *, csrf=None, form=None, reply_to=None, may_report=None,
            **context) -> Markup:
    return Markup(render_template("comments/_thread.html", csrf=csrf_field() if csrf is None else csrf,
                                  form=form, reply_to=reply_to, thread=thread.rows, entries=entries,
                                  may_report=_may_report(thread) if may_report is None else may_report,
                                  **context))


def _cached(thread: ThreadStamp, part: tuple, entries, *, may_post, next_path: str, **context) -> Markup:
    if thread.version is None:  # no version (a database without the triggers): nothing can be cached safely
        return _render(thread, entries(), may_post=may_post, next_path=next_path, **context)

    may_report = _may_report(thread)

    def render():
        # cached as markup (returning it copies nothing); with forms, the reader's token goes in on the way
        # out
        html = _render(thread, entries(), csrf=Markup(_CSRF_MARK), may_post=may_post, next_path=next_path,
                       may_report=may_report, **context)
        return _WithForms(html) if _CSRF_MARK in html else html

    entry = THREAD_HTML.get_or_make(render, thread=(thread.target_type, thread.target_id),
                                    version=thread.version, part=part, next_path=next_path,
                                    reader=_reader(thread, bool(may_post), may_report))
    if isinstance(entry, _WithForms):
        return Markup(str.replace(entry.html, _CSRF_MARK, str(csrf_field())))
    return entry


def location(target, comment_id: int, base: str) -> str:
    """The address of a comment: ``base`` (the item's page, or the page the person came from) at the comment;
    on the item's page, with ``?comment=`` when the page does not show it by default."""
    from consult.notifications.labels import url_of

    parts = urlsplit(base)
    layout = load_stamp(target).rows.layout
    if parts.path == url_of(target) and comment_id in layout.nodes \
            and not layout.shown_by_default(comment_id):
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "comment"]
        base = urlunsplit(parts._replace(query=urlencode([*query, ("comment", comment_id)]), fragment=""))
    else:
        base = urlunsplit(parts._replace(fragment=""))
    return f"{base}#comment-{comment_id}"
