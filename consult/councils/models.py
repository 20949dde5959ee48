"""Councils (standing bodies such as a Council of Cultures) and their memberships.

A membership is a person's seat in one council for a term, with a role. Roles are scoped to the council:
being secretary of one council gives no right in another. No column records nationality or legal status;
``represents`` is a free text the council chooses (a community, an association).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key
from consult.extensions import db

PRESIDENT = "president"
VICE_PRESIDENT = "vice_president"
SECRETARY = "secretary"
MEMBER = "member"
OBSERVER = "observer"
ROLE_LABELS = {PRESIDENT: _l("President"), VICE_PRESIDENT: _l("Vice-president"), SECRETARY: _l("Secretary"),
               MEMBER: _l("Member"), OBSERVER: _l("Observer (no vote)")}
ROLES = tuple(ROLE_LABELS)
#: roles that may prepare and run sessions
OFFICER_ROLES = (PRESIDENT, SECRETARY)
#: roles that vote on motions (observers attend without a vote)
VOTING_ROLES = (PRESIDENT, VICE_PRESIDENT, SECRETARY, MEMBER)

#: how a council counts its quorum among the members entitled to vote on the session's day
#: (``consult.meetings.rules.quorum_required``): more than a share of them (the rule councils had first), at
#: least a share of them rounded up, or at least a set number of them
QUORUM_OVER_SHARE, QUORUM_SHARE, QUORUM_NUMBER = "over_share", "share", "number"
QUORUM_RULE_LABELS = {QUORUM_OVER_SHARE: _l("More than a share of the voting members"),
                      QUORUM_SHARE: _l("At least a share of the voting members (rounded up)"),
                      QUORUM_NUMBER: _l("At least a set number of voting members")}
QUORUM_RULES = tuple(QUORUM_RULE_LABELS)


class Council(TimestampMixin, db.Model):
    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: public name, e.g. "Council of Cultures"
    name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    #: URL name, unique on the platform
    slug: Mapped[str] = mapped_column(sa.String(80), nullable=False, unique=True)
    #: what the council is for (Markdown)
    purpose: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: its mandate: what it may decide or advise on (Markdown)
    mandate: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: how seats are given (Markdown); never a rule about nationality or status
    composition: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: how to reach the council (email, office hours)
    contact: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: how the quorum is counted: one of QUORUM_RULES
    quorum_rule: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=QUORUM_OVER_SHARE,
                                             server_default=QUORUM_OVER_SHARE)
    #: the share (percent) of the voting members the two share rules count from
    quorum_percent: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=50)
    #: the number of voting members that must be present under the number rule
    quorum_number: Mapped[int | None] = mapped_column(sa.Integer)
    #: the convocation and agenda are published at least this many days before a session
    convocation_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=5)
    #: accounts whose residence is not verified may comment on the proposals of the processes that feed this
    #: council, and report content there (``consult.councils.participation``); as everywhere else by default
    allow_unverified: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True,
                                                   server_default=sa.true())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="Membership.starts_on"
    )

    def __repr__(self) -> str:
        return f"<Council {self.id} {self.slug}>"


class Membership(TimestampMixin, db.Model):
    """A person's seat in a council for a term. Terms of one person in one council never overlap."""

    __tablename__ = "council_membership"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ck_membership_term"),
        sa.Index("ix_membership_council_user", "council_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = parent_key("council.id")
    user_id: Mapped[int] = parent_key("user.id")
    #: one of ROLES
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=MEMBER)
    #: free text: the community or association the person speaks for (optional)
    represents: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="")
    #: first day of the term
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: last day of the term (None: open-ended)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)

    council: Mapped[Council] = relationship(back_populates="memberships")
    user = relationship("User", lazy="joined")

    @property
    def votes(self) -> bool:
        return self.role in VOTING_ROLES

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    def __repr__(self) -> str:
        return f"<Membership {self.id} council={self.council_id} user={self.user_id} {self.role}>"
