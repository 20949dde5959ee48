"""Which comments of a long thread a page shows, and where the others are.

A thread of thousands of comments is not rendered whole: a page costs the same with 50 or 5,000 comments.
The item's page shows the *first* conversations (top-level comments with their replies) and the *latest*
ones, as a long issue thread does; between them, a "show more comments" link stands for the conversations
not shown, with their number. In the same way, a comment with many replies shows its first and its latest
replies around a "show more replies" link. The newest comment is always among the latest (a new top-level
comment ends the thread, a new reply ends its parent's replies), so whoever posts sees their comment at
once.

Each "more" link is a real link to a page of its own (``comments.thread`` for top-level comments,
``comments.replies`` for the replies to one comment) that shows the next part of the gap, the comments
strictly between two known ones (``after`` and ``before``, by id): without JavaScript it is a page; with
htmx the same URL answers with the list items alone, which take the link's place, and the next "more" link
if the gap is not all shown yet. Naming the comments around the gap, rather than a page number, keeps
the parts in place while people write.

A link to a comment (``comments.permalink``, ``Comment.url``, the page after posting) goes to the item's
page, with ``?comment=<id>`` when that comment is not among those shown by default: the page then also
shows it, with the comments above it in the conversation, between "more" links.

What is shown is bounded by the number of comments, counted with the replies each one shows: at most
``FIRST`` and ``LATEST`` conversations and comments on the item's page, ``PART`` on a "more" page; a list of
replies longer than ``HEAD + TAIL + 1`` shows its ``HEAD`` first and ``TAIL`` latest replies. Everything here
works on the thread's plain rows that the process already holds (``consult.comments.thread.ThreadRows``):
no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Bound(NamedTuple):
    #: at most this many items of the list (top-level comments, or replies)
    items: int
    #: and at most this many comments shown with them (each item with the replies it shows); one item at least
    comments: int


FIRST = Bound(20, 60)
LATEST = Bound(10, 30)
PART = Bound(30, 90)
HEAD, TAIL = 3, 2


@dataclass(slots=True)
class Shown:
    """A comment as a page shows it: its node (``comment``, all its ``replies``) and the entries of the
    replies shown (``Shown`` and ``More``)."""

    node: object
    replies: list

    @property
    def comment(self):
        return self.node.comment

    more = False


@dataclass(slots=True)
class More:
    """A gap in a list: the comments between ``after`` and ``before`` (ids of the items around it; None at an
    end), replies to ``parent_id`` (None: top-level comments), ``count`` comments with their replies."""

    parent_id: int | None
    after: int | None
    before: int | None
    count: int
    #: the depth of the comments in the gap
    depth: int

    more = True


class Layout:
    """What one version of a thread's rows shows where (computed once per rows, kept with them)."""

    def __init__(self, roots: list):
        self.roots = roots
        self.nodes: dict[int, object] = {}
        #: each comment's position in its list (top-level comments, or its parent's replies)
        self.position: dict[int, int] = {}
        #: each comment with all its replies, at any depth
        self.size: dict[int, int] = {}
        #: each comment with the replies it shows by default
        self.shown_size: dict[int, int] = {}
        stack = [(node, index, False) for index, node in enumerate(roots)]
        while stack:  # children before their parent (no recursion: a thread may be long)
            node, index, done = stack.pop()
            cid = node.comment.id
            if not done:
                self.nodes[cid], self.position[cid] = node, index
                stack.append((node, index, True))
                stack.extend((child, i, False) for i, child in enumerate(node.replies))
                continue
            self.size[cid] = 1 + sum(self.size[c.comment.id] for c in node.replies)
            self.shown_size[cid] = 1 + sum(self.shown_size[node.replies[i].comment.id]
                                           for i in _default_indices(len(node.replies)))
        self.first, self.latest = self._ends()

    def _ends(self) -> tuple[int, int]:
        """How many top-level comments the page shows first, and where the latest ones start."""
        first = _take(self.roots, 0, len(self.roots), FIRST, self.shown_size)
        latest = len(self.roots)
        taken = shown = 0
        while latest > first and taken < LATEST.items:
            weight = self.shown_size[self.roots[latest - 1].comment.id]
            if taken and shown + weight > LATEST.comments:
                break
            latest, taken, shown = latest - 1, taken + 1, shown + weight
        return first, latest

    # ---------------------------------------------------------------------------------------------- shown

    def page(self, show: int | None = None) -> list:
        """The entries of the item's page: the first and latest conversations, and ``show`` when given."""
        chain = self.chain(show)
        wanted = {self.position[chain[0]]} if chain else set()
        indices = sorted(set(range(self.first)) | set(range(self.latest, len(self.roots))) | wanted)
        return self._entries(None, self.roots, indices, chain[1:] if chain else [])

    def part(self, parent_id: int | None, after: int | None, before: int | None) -> list | None:
        """The entries of a "more" page: the next items of the gap between ``after`` and ``before`` (ids, in
        the replies to ``parent_id`` or among the top-level comments), and a ``More`` for the rest; None
        when there is no such list."""
        items = self._list(parent_id)
        if items is None:
            return None
        start = self._after(items, after)
        end = self._before(items, before, start)
        stop = _take(items, start, end, PART, self.shown_size)
        entries = [self._shown(items[index], []) for index in range(start, stop)]
        if stop < end:
            entries.append(self._gap(parent_id, items, stop, end))
        return entries

    def chain(self, comment_id: int | None) -> list[int]:
        """The ids from a top-level comment down to ``comment_id`` ([] when it is not in the thread)."""
        node = self.nodes.get(comment_id) if comment_id is not None else None
        chain = []
        while node is not None:
            chain.append(node.comment.id)
            parent = node.comment.parent_id
            node = self.nodes.get(parent) if parent is not None else None
        return chain[::-1]

    def shown_by_default(self, comment_id: int) -> bool:
        """Whether the item's page shows the comment without being asked to."""
        chain = self.chain(comment_id)
        if not chain:
            return False
        index = self.position[chain[0]]
        if self.first <= index < self.latest:
            return False
        for parent, child in zip(chain, chain[1:], strict=False):
            count = len(self.nodes[parent].replies)
            if self.position[child] not in _default_indices(count):
                return False
        return True

    # ---------------------------------------------------------------------------------------------- helpers

    def _list(self, parent_id: int | None) -> list | None:
        if parent_id is None:
            return self.roots
        parent = self.nodes.get(parent_id)
        return None if parent is None else parent.replies

    def _after(self, items: list, after: int | None) -> int:
        if after is None or after not in self.nodes or self._of(items, after) is None:
            return 0
        return self.position[after] + 1

    def _before(self, items: list, before: int | None, start: int) -> int:
        if before is None or before not in self.nodes or self._of(items, before) is None:
            return len(items)
        return max(self.position[before], start)

    def _of(self, items: list, comment_id: int):
        index = self.position[comment_id]
        return items[index] if index < len(items) and items[index].comment.id == comment_id else None

    def _entries(self, parent_id: int | None, items: list, indices: list[int], chain: list[int]) -> list:
        """``items`` at ``indices`` (sorted), each with its replies, and a ``More`` for each gap."""
        entries, previous = [], -1
        for index in indices:
            if index > previous + 1:
                entries.append(self._gap(parent_id, items, previous + 1, index))
            entries.append(self._shown(items[index], chain))
            previous = index
        if indices and previous < len(items) - 1:
            entries.append(self._gap(parent_id, items, previous + 1, len(items)))
        return entries

    def _shown(self, node, chain: list[int]) -> Shown:
        """A comment with the replies it shows: the default ones, and the next on ``chain``."""
        replies = node.replies
        wanted = set(_default_indices(len(replies)))
        if chain and chain[0] in self.nodes and self.nodes[chain[0]].comment.parent_id == node.comment.id:
            wanted.add(self.position[chain[0]])
            chain = chain[1:]
        else:
            chain = []
        return Shown(node, self._entries(node.comment.id, replies, sorted(wanted), chain) if replies else [])

    def _gap(self, parent_id: int | None, items: list, start: int, end: int) -> More:
        """The ``More`` for ``items[start:end]``."""
        return More(parent_id, items[start - 1].comment.id if start > 0 else None,
                    items[end].comment.id if end < len(items) else None,
                    sum(self.size[item.comment.id] for item in items[start:end]), items[start].comment.depth)


def _default_indices(count: int) -> range | list[int]:
    """The replies a list of ``count`` shows by default: all, or its first ``HEAD`` and latest ``TAIL``."""
    if count <= HEAD + TAIL + 1:
        return range(count)
    return [*range(HEAD), *range(count - TAIL, count)]


def _take(items: list, start: int, end: int, bound: Bound, weights: dict[int, int]) -> int:
    """Where a part that starts at ``start`` ends (before ``end``), within ``bound``; one item at least."""
    stop, shown = start, 0
    while stop < end and stop - start < bound.items:
        weight = weights[items[stop].comment.id]
        if stop > start and shown + weight > bound.comments:
            break
        stop, shown = stop + 1, shown + weight
    return stop
