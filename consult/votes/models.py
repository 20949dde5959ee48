"""Polls, who voted (participation) and what was voted (ballots) — kept apart by the schema.

Secrecy by schema:

* ``vote_participation`` says *who* voted in a poll (UNIQUE per poll and voter, or per poll and anonymous
  browser key): the constraint is what stops a double vote under any concurrency.
* ``vote_ballot`` says *what* was voted: a random uuid4 text key, the poll, the choice, the fingerprint of the
  voter's inclusion tracker. No voter id, no timestamp, no sequence. On SQLite both tables are ``WITHOUT
  ROWID`` so not even the hidden row number keeps the order of arrival.
* Only polls that allow changing a vote give their ballots a ``replace_key``: HMAC(server key, poll id, voter
  id). The trade-off is written on the poll page: someone holding both the database and the server key could
  recompute it for a voter. Polls that do not allow changes store no such key, so there is no link at all.
* What remains: on PostgreSQL the physical order of heap rows is not part of the schema; someone with raw disk
  access to both tables during voting could compare arrival order. Participation has no timestamp or sequence
  either (uuid4 key), and no page or export lists ballots in arrival order (trackers are listed by hash).
* Named (roll-call) polls are public by declaration: ``vote_named`` holds name and choice, written next to
  the anonymous ballot that is counted.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import ListRowMixin, TimestampMixin, parent_key
from consult.extensions import db

STATUS_DRAFT, STATUS_OPEN, STATUS_CLOSED = "draft", "open", "closed"
MODES = ("secret", "named", "open")
MAJORITIES = ("simple", "absolute", "two_thirds")


class Poll(TimestampMixin, db.Model):
    __tablename__ = "vote_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: Markdown shown on the ballot page
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: one of the modules in ``consult.votes.methods``
    method: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: ``secret`` (default), ``named`` (roll call, public names) or ``open`` (quick live poll in a debate)
    mode: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="secret")
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=STATUS_DRAFT)
    #: what the poll belongs to: ``process``/``motion``/``debate``... and its id (null: a stand-alone poll)
    owner_type: Mapped[str | None] = mapped_column(sa.String(20))
    owner_id: Mapped[int | None] = mapped_column(sa.Integer)
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("eligibility_rule.id", ondelete="RESTRICT"))
    opens_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: minimum number of voters for the result to count (null: none)
    quorum: Mapped[int | None] = mapped_column(sa.Integer)
    #: ``simple`` (more yes than no), ``absolute`` (more than half of the ballots), ``two_thirds``
    majority: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="simple")
    max_choices: Mapped[int | None] = mapped_column(sa.Integer)
    points_budget: Mapped[int | None] = mapped_column(sa.Integer)
    #: how many options the poll elects (STV, committee methods: an election's seats); null = 1
    seats: Mapped[int | None] = mapped_column(sa.Integer)
    #: the published seed of the lots that break ties the count's rules leave (see consult.votes.counting)
    tie_seed: Mapped[str | None] = mapped_column(sa.String(64))
    #: show the running count while the poll is open: named (roll-call) polls only; never a secret ballot
    results_before_close: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    allow_change: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the count made once at close (JSON, see ``services.close_poll``)
    result: Mapped[dict | None] = mapped_column(sa.JSON)

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan", lazy="selectin"
    )
    rule = relationship("EligibilityRule", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("mode in ('secret', 'named', 'open')", name="mode_known"),
        sa.CheckConstraint("status in ('draft', 'open', 'closed')", name="status_known"),
        sa.Index("ix_vote_poll_owner", "owner_type", "owner_id"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == STATUS_OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == STATUS_CLOSED

    @property
    def live_results(self) -> bool:
        """Whether the count is shown while voting goes on: quick live polls, and named polls that ask for it.

        Never a secret ballot, whatever ``results_before_close`` says: exact counts that change as people vote
        let anyone who watches them (or votes between two readings) work out a voter's choice.
        """
        return self.mode == "open" or (self.mode == "named" and self.results_before_close)

    def option(self, option_id: int) -> PollOption | None:
        return next((o for o in self.options if o.id == option_id), None)


class PollOption(ListRowMixin, db.Model):
    __tablename__ = "vote_option"

    poll_id: Mapped[int] = parent_key("vote_poll.id")
    label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: ``yes``/``no``/``abstain`` for yes-no-abstain polls
    code: Mapped[str | None] = mapped_column(sa.String(10))
    #: an optional reference (e.g. a proposal) as target type and id
    target_type: Mapped[str | None] = mapped_column(sa.String(20))
    target_id: Mapped[int | None] = mapped_column(sa.Integer)

    poll: Mapped[Poll] = relationship(back_populates="options")


class Participation(db.Model):
    """Who voted in a poll; never what. No timestamp, no sequence."""

    __tablename__ = "vote_participation"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="CASCADE"), nullable=False)
    voter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: for anonymous voters in open polls: a hash of the browser key
    anon_key: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.UniqueConstraint("poll_id", "voter_id", name="uq_vote_participation_voter"),
        sa.UniqueConstraint("poll_id", "anon_key", name="uq_vote_participation_anon"),
        {"sqlite_with_rowid": False},
    )


class Ballot(db.Model):
    """What was voted; never who. No voter id, no timestamp, no sequence."""

    __tablename__ = "vote_ballot"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="CASCADE"), nullable=False)
    #: the canonical choice as compact JSON text (identical ballots are identical text, see methods.encode)
    choice: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: SHA-256 of the inclusion tracker shown once to the voter
    tracker_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: only in polls that allow changing a vote: HMAC(server key, poll, voter) — see the module docstring
    replace_key: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.UniqueConstraint("poll_id", "replace_key", name="uq_vote_ballot_replace"),
        #: the public tracker list is read page by page in tracker order, and looked up by tracker
        sa.Index("ix_vote_ballot_poll_tracker", "poll_id", "tracker_hash"),
        {"sqlite_with_rowid": False},
    )


class NamedVote(db.Model):
    """Roll-call polls only (declared before opening): the public record of who voted what."""

    __tablename__ = "vote_named"

    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    choice: Mapped[str] = mapped_column(sa.Text, nullable=False)

    voter = relationship("User", lazy="joined")


class PaperTally(TimestampMixin, db.Model):
    """Counts from one paper or booth channel, entered by an official; corrections are audited."""

    __tablename__ = "vote_paper_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="CASCADE"), nullable=False)
    #: e.g. "Town hall polling booth"
    channel: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    #: ``{option id: votes}``
    counts: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    blank: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    invalid: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: paper ballots cast in this channel (counted + blank + invalid)
    ballots: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("poll_id", "channel", name="uq_vote_paper_channel"),)
