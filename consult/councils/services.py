"""Council services: create and edit councils, give and end seats.

Rules kept here:

* A council's slug is unique (database constraint; a clash is a translated refusal, never a 500).
* Quorum: a share of 0–100 % of the voting members (more than it, or at least it rounded up), or a set
  number of them (1–1000); convocation notice 0–60 days.
* A membership has a known role and a term whose end is not before its start; the terms of one person in one
  council never overlap: checked here to answer on the form, and kept by the database itself (an exclusion
  constraint on PostgreSQL, triggers on SQLite: ``consult.councils.overlaps``), whose refusal is the same
  translated error with nothing saved.
* Ending a membership keeps it: past members stay visible in the council's history.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit, time
from consult.core.errors import Conflict, DomainError
from consult.councils import overlaps
from consult.councils.models import QUORUM_NUMBER, QUORUM_OVER_SHARE, QUORUM_RULES, ROLES, Council, Membership
from consult.councils.offices import seats as active_memberships  # noqa: F401 - the council pages list seats
from consult.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def _quorum(council: Council, rule, percent, number) -> None:
    """The quorum's rule: a share (0-100 %) of the voting members, more than it or at least it, or a set
    number of them (1-1000). The setting the rule does not use is kept as it was."""
    rule = rule or council.quorum_rule or QUORUM_OVER_SHARE
    if rule not in QUORUM_RULES:
        raise DomainError(_l("Choose a rule from the list."), field="quorum_rule")
    if rule == QUORUM_NUMBER:
        if number is None or not 1 <= int(number) <= 1000:
            raise DomainError(_l("The quorum is a number of voting members between 1 and 1000."),
                              field="quorum_number")
    elif percent is None or not 0 <= int(percent) <= 100:
        raise DomainError(_l("The quorum is a share between 0 and 100 percent."), field="quorum_percent")
    council.quorum_rule = rule
    if percent is not None:
        council.quorum_percent = int(percent)
    elif council.quorum_percent is None:
        council.quorum_percent = 50
    council.quorum_number = int(number) if number is not None else council.quorum_number


def _apply(council: Council, *, name, slug, purpose, mandate, composition, contact, quorum_percent,
           convocation_days, quorum_rule=None, quorum_number=None) -> None:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please give the council a name."), field="name")
    slug = (slug or "").strip().lower() or slugify(name)
    if not SLUG_RE.match(slug):
        raise DomainError(_l("Use only small letters, digits and dashes."), field="slug")
    _quorum(council, quorum_rule, quorum_percent, quorum_number)
    if convocation_days is None or not 0 <= int(convocation_days) <= 60:
        raise DomainError(_l("Choose between 0 and 60 days."), field="convocation_days")
    clash = db.session.scalar(sa.select(Council.id).where(Council.slug == slug,
                                                          Council.id != (council.id or 0)))
    if clash:
        raise Conflict(_l("Another council already uses this web address."), field="slug")
    council.name, council.slug = name[:160], slug
    council.purpose, council.mandate = purpose or "", mandate or ""
    council.composition, council.contact = composition or "", (contact or "").strip()[:300]
    council.convocation_days = int(convocation_days)


def create_council(*, name, slug=None, purpose="", mandate="", composition="", contact="", quorum_percent=50,
                   convocation_days=None, quorum_rule=QUORUM_OVER_SHARE, quorum_number=None,
                   by=None) -> Council:
    """Create a council (admins only, checked by the view's policy). The notice period defaults to the
    ``MEETINGS_CONVOCATION_DAYS`` setting (5 days when unset)."""
    if convocation_days is None:
        convocation_days = current_app.config.get("MEETINGS_CONVOCATION_DAYS", 5)
    council = Council()
    _apply(council, name=name, slug=slug, purpose=purpose, mandate=mandate, composition=composition,
           contact=contact, quorum_percent=quorum_percent, convocation_days=convocation_days,
           quorum_rule=quorum_rule, quorum_number=quorum_number)
    db.session.add(council)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Another council already uses this web address."), field="slug") from None
    audit.record("councils.created", actor=by, subject=council)
    return council


def update_council(council: Council, *, by=None, **values) -> Council:
    """Change a council's description and settings."""
    _apply(council, **values)
    db.session.flush()
    audit.record("councils.updated", actor=by, subject=council)
    return council


def set_participation(council: Council, *, allow_unverified: bool, by=None) -> Council:
    """Whether accounts not verified yet may comment and report in the council's processes
    (``consult.councils.participation``)."""
    council.allow_unverified = bool(allow_unverified)
    db.session.flush()
    audit.record("councils.participation_set", actor=by, subject=council,
                 allow_unverified=council.allow_unverified)
    return council


def add_membership(council: Council, user, *, role: str, starts_on: date, ends_on: date | None = None,
                   represents: str = "", by=None) -> Membership:
    """Give a person a seat for a term. Refused when it overlaps another term of theirs in this council."""
    if role not in ROLES:
        raise DomainError(_l("Choose a role from the list."), field="role")
    if starts_on is None:
        raise DomainError(_l("Please give the first day of the term."), field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_l("The term cannot end before it starts."), field="ends_on")
    if user is None or getattr(user, "is_deleted", False):
        raise DomainError(_l("There is no account with this username."), field="username")
    if overlapping_term(council, user, starts_on, ends_on) is not None:
        raise _overlap_refused()
    membership = Membership(council_id=council.id, user_id=user.id, role=role, starts_on=starts_on,
                            ends_on=ends_on, represents=(represents or "").strip()[:160])
    try:
        with db.session.begin_nested():  # a refused row leaves the session with its savepoint
            db.session.add(membership)
            db.session.flush()
    except IntegrityError as error:  # the database's own refusal: a term written since the check above
        if not overlaps.is_overlap(error):
            raise
        raise _overlap_refused() from None
    membership.council = council
    audit.record("councils.membership_added", actor=by, subject=council, membership_id=membership.id,
                 user_id=user.id, role=role)
    return membership


def overlapping_term(council: Council, user, starts_on: date, ends_on: date | None) -> int | None:
    """The id of a term of ``user`` in ``council`` that shares a day with ``starts_on``..``ends_on``."""
    return db.session.scalar(sa.select(Membership.id).where(
        Membership.council_id == council.id, Membership.user_id == user.id,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= starts_on),
        *([Membership.starts_on <= ends_on] if ends_on is not None else [])).limit(1))


def _overlap_refused() -> Conflict:
    return Conflict(_l("This person already has a seat in this council for part of this term."),
                    field="starts_on")


def end_membership(membership: Membership, *, on: date | None = None, by=None) -> Membership:
    """End a term (kept in the history). The end cannot be before the start."""
    on = on or time.today()
    if on < membership.starts_on:
        raise DomainError(_l("The term cannot end before it starts."), field="ends_on")
    if membership.ends_on is not None and membership.ends_on < on:
        raise Conflict(_l("This term has already ended."))
    membership.ends_on = on
    db.session.flush()
    audit.record("councils.membership_ended", actor=by, subject=membership.council,
                 membership_id=membership.id)
    return membership


def past_memberships(council: Council, on: date | None = None) -> list[Membership]:
    """Terms that have ended (the council's history), most recent first."""
    day = on or time.today()
    return list(db.session.scalars(sa.select(Membership).where(
        Membership.council_id == council.id, Membership.ends_on < day).order_by(Membership.ends_on.desc())))


def list_councils() -> list[Council]:
    return list(db.session.scalars(sa.select(Council).order_by(Council.name)))
