"""The rows of the council session page's read model (``queries``, ``roll_queries``): items, motions and
their named votes, documents, roll-call lines and the page itself, as plain dataclasses; and the translated
labels and public names they carry, each translated once per page (or per catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from consult.core.policy import Decision
from consult.core.templating import translations
from consult.meetings.models import PRESENT, CouncilSession


class Labels:
    """Translated labels of the page. A lazy string looks the catalogue up each time it is shown; here each
    label is translated once per catalogue (kept on the catalogue: the same text for every page in that
    language)."""

    def __init__(self):
        catalogue = translations()
        self._done: dict[tuple[int, str], str] = catalogue.__dict__.setdefault("consult_meetings_labels", {})

    def __call__(self, labels: dict, key, default=None) -> str:
        memo = (id(labels), key)  # the label mappings are module constants
        done = self._done.get(memo)
        if done is None:
            value = labels.get(key)
            fallback = key if default is None else default
            done = self._done[memo] = str(value) if value is not None else fallback
        return done

    def all(self, labels: dict) -> dict[str, str]:
        """The whole mapping, translated."""
        return {key: self(labels, key) for key in labels}


class Names:
    """Public names of members: the pseudonym, or "Former participant" (translated once per page)."""

    def __init__(self):
        self._former: str | None = None

    def __call__(self, display_name: str, deleted_at: datetime | None) -> str:
        if deleted_at is None:
            return display_name
        if self._former is None:
            self._former = gettext("Former participant")  # as ``User.public_name``
        return self._former


@dataclass(slots=True)
class NamedVote:
    membership_id: int
    name: str
    choice: str


@dataclass(slots=True)
class MotionRow:
    id: int
    item_id: int
    text: str
    rule: str
    mode: str
    status: str
    poll_id: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    members_count: int | None
    present_count: int | None
    quorum_required: int | None
    verdict: str | None
    named_votes: list[NamedVote] = field(default_factory=list)
    #: translated as ``Motion.rule_label``, ``mode_label``, ``verdict_label``
    rule_label: str = ""
    mode_label: str = ""
    verdict_label: str = ""


@dataclass(slots=True)
class AttachmentRow:
    id: int
    filename: str
    size: int


@dataclass(slots=True)
class ItemRow:
    id: int
    parent_id: int | None
    position: int
    title: str
    description: str
    duration_minutes: int | None
    presenter: str
    kind: str
    notes: str
    started_at: datetime | None
    ended_at: datetime | None
    speakers: list[str] = field(default_factory=list)
    attachments: list[AttachmentRow] = field(default_factory=list)
    proposal_ids: list[int] = field(default_factory=list)
    motions: list[MotionRow] = field(default_factory=list)
    #: translated as ``AgendaItem.kind_label``
    kind_label: str = ""


@dataclass(slots=True)
class RollRow:
    """A line of the roll call: an attendance row, or a seat of the session's day not called yet (``id`` None,
    absent)."""

    id: int | None
    membership_id: int
    role: str
    name: str
    status: str
    arrived_at: datetime | None
    left_at: datetime | None
    #: the seat is active on the session's day
    seated: bool
    #: translated as ``Membership.role_label``
    role_label: str = ""

    @property
    def key(self) -> str:
        """What the roll-call form's fields are named after: the attendance row, else ``m<membership id>``."""
        return str(self.id) if self.id is not None else f"m{self.membership_id}"

    @property
    def is_in_room(self) -> bool:
        return self.id is not None and self.status == PRESENT and self.left_at is None


@dataclass(slots=True)
class PageRows:
    """What the page's live part shows to everyone, read for one version of the session
    (``queries.PAGE_ROWS``): kept by the process for the next reader while the version stays."""

    version: int | None
    items: list[ItemRow]
    #: the roll call's lines (``roll_queries.roll_and_seats``), seats not called yet included
    roll: list[RollRow]
    titles: dict[int, str]
    #: how many have voted in the poll of each open secret motion
    counts: dict[int, int]


@dataclass
class SessionPage:
    session: CouncilSession
    #: [(number, item, [(number, sub-item), ...]), ...] in agenda order
    agenda: list[tuple[str, ItemRow, list[tuple[str, ItemRow]]]]
    items: list[ItemRow]
    #: attendance rows, in roll-call order (empty before the roll call)
    roll: list[RollRow]
    quorum: dict | None
    #: the quorum's figures before any roll call too (the members entitled to vote, how many are needed)
    quorum_terms: dict
    titles: dict[int, str]
    #: open motions: whether the reader voted, may vote (a Decision), and the votes cast so far
    voted: dict[int, bool]
    vote_decisions: dict[int, Decision]
    votes_cast: dict[int, int]
    #: translates the page's other labels once each
    labels: Labels
    #: the session's version (``consult.meetings.versions``; None without the triggers) and a stable digest of
    #: what was decided for the reader: equal versions and digests (and facets), equal live part
    version: int | None = None
    reader: str = ""

    @property
    def top_items(self) -> list[ItemRow]:
        return [item for _, item, _ in self.agenda]

    @property
    def motions(self) -> list[MotionRow]:
        return [m for item in self.items for m in item.motions]
