"""Read models for proposal pages: a constant number of queries whatever the data size.

The list page runs: the page of card rows (author, theme, district and the reader's translation joined; plain
rows, no entities) with the list's total and the filter choices' version in the same statement + the reader's
supports for that page; the filter form's choices (processes, themes, districts) are read only when their
version is new to the process (``consult.proposals.versions``). The total reads ``proposal_tally``
(``consult.proposals.tally``: a sum over a few hundred groups at most) unless the list is a search, which
counts its matches in a query of its own. The proposal page loads its translations, answers (with texts),
sources (with authors) and "merged into" in a fixed number of select-in queries.
"""

from __future__ import annotations

import random
from collections import namedtuple
from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from flask import session
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, joinedload, lazyload, selectinload

from consult.accounts.models import User
from consult.core import cache
from consult.core.models import CatalogVersion
from consult.core.text import plain_excerpt
from consult.extensions import db
from consult.processes.models import Process, Theme
from consult.proposals import search, tally, versions
from consult.proposals.models import (
    MERGED,
    PUBLIC_STATES,
    STATES,
    WITHDRAWN,
    Proposal,
    ProposalAnswer,
    ProposalTally,
    ProposalTranslation,
)
from consult.residency.models import District

SORTS = ("newest", "supported", "commented", "random")
SEED_KEY = "proposals_seed"
#: the filter choices' version not read yet (``filter_choices``, ``RowPage.choices_version``)
NOT_READ = object()


@dataclass
class Filters:
    process_id: int | None = None
    theme_id: int | None = None
    district_id: int | None = None
    state: str | None = None
    q: str | None = None
    sort: str = "newest"
    extra: dict = field(default_factory=dict)


def random_seed() -> int:
    """A seed kept in the visitor's session: the random order stays the same while they page through it."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = random.SystemRandom().randrange(1, 999_983)
        session[SEED_KEY] = seed
    return seed


@lru_cache(maxsize=1)
def _listed():
    """Visible, and not withdrawn or merged (built once). Written ``state NOT IN (draft, withdrawn, merged)``
    (the same rows: a state is one of ``STATES``): SQLite's planner, without statistics, would read
    ``state IN (seven states)`` through ``ix_proposal_state`` and sort the whole table; a ``NOT IN`` it reads
    from the covering index of the list's order, 20 entries a page."""
    return (Proposal.hidden_at.is_(None),
            Proposal.state.not_in([s for s in STATES if s not in _LISTED_STATES]))


_LISTED_STATES = tuple(s for s in PUBLIC_STATES if s not in (WITHDRAWN, MERGED))


def _listed_states(filters: Filters) -> list[str]:
    """The states a list shows: the one asked for, else every public state but withdrawn and merged."""
    if filters.state in PUBLIC_STATES:
        return [filters.state]
    return list(_LISTED_STATES)


def list_total(filters: Filters) -> int:
    """How many proposals a list has: from the tally (constant cost) when it is not a search; a search counts
    its matches (what it costs grows with them, not with the table)."""
    if search.words(filters.q):
        return db.session.connection().execute(
            sa.select(sa.func.count()).select_from(Proposal).where(*_conditions(filters))).scalar_one()
    return tally.total(states=_listed_states(filters), process_id=filters.process_id,
                       theme_id=filters.theme_id, district_id=filters.district_id)


def _conditions(filters: Filters) -> list:
    """The WHERE clauses of a list: published, visible proposals matching the filters."""
    conditions = [_listed()[0]]
    if filters.process_id:
        conditions.append(Proposal.process_id == filters.process_id)
    if filters.theme_id:
        conditions.append(Proposal.theme_id == filters.theme_id)
    if filters.district_id:
        conditions.append(Proposal.district_id == filters.district_id)
    if filters.state in PUBLIC_STATES:
        conditions.append(Proposal.state == filters.state)
    else:
        # withdrawn and merged proposals stay reachable, but only lists that ask for them show them
        conditions.append(_listed()[1])
    condition = search.matching(filters.q)
    if condition is not None:
        conditions.append(condition)
    return conditions


def _order(filters: Filters, seed=None) -> list:
    """The list's order; a random order uses ``seed`` (an expression, e.g. a bound parameter) or the
    visitor's."""
    if filters.sort == "supported":
        return [Proposal.support_count.desc(), Proposal.id.desc()]
    if filters.sort == "commented":
        return [Proposal.comment_count.desc(), Proposal.id.desc()]
    if filters.sort == "random":
        # a stable shuffle: a multiplicative hash of the id with the visitor's seed (portable integer SQL), in
        # 64 bits: id × seed passes PostgreSQL's 32-bit integer from id 2,148 on (SQLite's are 64-bit anyway)
        return [(sa.cast(Proposal.id, sa.BigInteger) * (random_seed() if seed is None else seed)) % 1_000_003,
                Proposal.id]
    return [Proposal.published_at.desc(), Proposal.id.desc()]


def list_query(filters: Filters):
    """Published, visible proposals matching the filters, in the chosen order, as ORM entities (the feed)."""
    # the many-to-one rows come joined in the page query (no extra round trips). A card shows only the
    # author's public name, so the author's own eager relationships (grants, residence) are not loaded with
    # it.
    return (sa.select(Proposal)
            .options(joinedload(Proposal.author).lazyload("*"), joinedload(Proposal.theme),
                     joinedload(Proposal.district))
            .where(*_conditions(filters)).order_by(*_order(filters)))


EXCERPT_SOURCE = 320


@lru_cache(maxsize=1)
def _card_select():
    """The list as plain rows, one per card, with everything a card shows (no ORM entities are built): the
    author's name, theme and district, and the reader's translation when there is one (the unique
    ``(proposal_id, language)`` constraint keeps it to one row per proposal). Bodies come cut to the first
    ``EXCERPT_SOURCE`` characters, all the card excerpt needs. Built once (building it costs more than running
    it); the reader's language is the bound parameter ``card_language``."""
    tr = aliased(ProposalTranslation)
    return (sa.select(Proposal.id, Proposal.title,
                      sa.func.substr(Proposal.body, 1, EXCERPT_SOURCE).label("body"), Proposal.language,
                      Proposal.state, Proposal.support_count, Proposal.comment_count,
                      Theme.name.label("theme"), District.name.label("district"), Proposal.author_id,
                      User.display_name.label("author_name"),
                      (User.deleted_at.is_not(None)).label("author_deleted"), tr.title.label("tr_title"),
                      sa.func.substr(tr.body, 1, EXCERPT_SOURCE).label("tr_body"))
            .select_from(Proposal)
            .outerjoin(Theme, Theme.id == Proposal.theme_id)
            .outerjoin(District, District.id == Proposal.district_id)
            .outerjoin(User, User.id == Proposal.author_id)
            .outerjoin(tr,
                       sa.and_(tr.proposal_id == Proposal.id, tr.language == sa.bindparam("card_language"))))


def page_ids(conditions: list, order: list, limit: int, offset: int):
    """The ids of one page of a list, from the proposal table alone: SQLite reads them from one covering index
    (the order's, or the filter's: ``ix_proposal_newest``, ``ix_proposal_theme``...)."""
    return (sa.select(Proposal.id).where(*conditions).order_by(*order).limit(limit).offset(offset)
            .correlate(None))


@lru_cache(maxsize=64)
def _page_statement(process: bool, theme: bool, district: bool, state: bool, sort: str) -> sa.Select:
    """The card rows of one page of a list that is not a search, for each shape of filters and order (built
    once each, as building costs more than running it; at most 2 × 2 × 2 × 2 × 4 shapes). Parameters:
    ``f_process``, ``f_theme``, ``f_district``, ``f_state`` for the filters given, ``seed`` for a random
    order, ``limit``, ``offset`` and ``card_language``."""
    filters = Filters(process_id=1 if process else None, theme_id=1 if theme else None,
                      district_id=1 if district else None, state=PUBLIC_STATES[0] if state else None,
                      sort=sort)
    conditions = [_listed()[0]]
    for given, column, name in ((process, Proposal.process_id, "f_process"),
                                (theme, Proposal.theme_id, "f_theme"),
                                (district, Proposal.district_id, "f_district")):
        if given:
            conditions.append(column == sa.bindparam(name, type_=sa.Integer))
    conditions.append(Proposal.state == sa.bindparam("f_state", type_=sa.String) if state else _listed()[1])
    order = _order(filters, seed=sa.bindparam("seed", type_=sa.BigInteger))
    ids = (sa.select(Proposal.id).where(*conditions).order_by(*order)
           .limit(sa.bindparam("limit", type_=sa.Integer)).offset(sa.bindparam("offset", type_=sa.Integer))
           .correlate(None))
    return (_card_select().add_columns(_choices_version().label(CHOICES_VERSION),
                                       _tally_total(process, theme, district).label(TOTAL))
            .where(Proposal.id.in_(ids)).order_by(*order))


#: the columns of a page's rows that carry the filter choices' version (``_choices_version``) and the list's
#: total (``_tally_total``), taken off the cards
CHOICES_VERSION, TOTAL = "choices_version", "list_total"


def _tally_total(process: bool, theme: bool, district: bool):
    """The list's total from the tally (as ``tally.total``), as a column of the page's rows: the same round
    trip as the cards. Parameters: ``tally_states`` and the filters' ``f_process``, ``f_theme``,
    ``f_district``."""
    conditions = [ProposalTally.state.in_(sa.bindparam("tally_states", expanding=True))]
    for given, column, name in ((process, ProposalTally.process_id, "f_process"),
                                (theme, ProposalTally.theme_id, "f_theme"),
                                (district, ProposalTally.district_id, "f_district")):
        if given:
            conditions.append(column == sa.bindparam(name, type_=sa.Integer))
    return (sa.select(sa.func.coalesce(sa.func.sum(ProposalTally.proposals), 0)).where(*conditions)
            .scalar_subquery())


@lru_cache(maxsize=1)
def _card_row():
    """A card's row without the list's total: what the cards show, and the key of their kept HTML."""
    return namedtuple("CardRow", [column.key for column in _card_select().selected_columns])


class RowPage(Pagination):
    """A page of plain rows (``Row`` tuples, not entities) with the pager's attributes; the total comes from
    ``list_total`` (the tally). Both run on the session's connection without the ORM layer: there are no
    entities to build."""

    #: the filter choices' version when it came with the rows (an int, or None without one), else NOT_READ
    choices_version: object = NOT_READ

    def _query_items(self) -> list:
        # the page's ids first, from the proposal table alone (a covering index of the order, or of the
        # filter), then the joins for those ids only: a deep page or a sort that orders all matches never
        # joins authors, themes and translations for the rows it skips
        args = self._query_args
        params = {"card_language": args["language"], "limit": self.per_page, "offset": self._query_offset}
        if args["statement"] is not None:  # not a search: the statement of its shape, built once
            rows = db.session.connection().execute(args["statement"], {**params, **args["params"]}).all()
            # the total and the choices' version come with the rows (not when the page is past the last one)
            self._total = rows[0][-1] if rows else None
            if rows:
                self.choices_version = rows[0][-2]
            card = _card_row()
            return [card._make(row[:-2]) for row in rows]
        order = _order(args["filters"])
        ids = page_ids(_conditions(args["filters"]), order, self.per_page, self._query_offset)
        return db.session.connection().execute(_card_select().where(Proposal.id.in_(ids)).order_by(*order),
                                               params).all()

    def _query_count(self) -> int:
        total = getattr(self, "_total", None)
        return list_total(self._query_args["filters"]) if total is None else total


def card_page(filters: Filters, language: str, page: int, per_page: int) -> RowPage:
    """One page of the list as card rows: one query (the rows, with the list's total from the tally) whatever
    the page size; a search, or a page past the last one, counts in a query of its own."""
    statement, params = None, {}
    if not search.words(filters.q):
        state = filters.state in PUBLIC_STATES
        sort = filters.sort if filters.sort in SORTS else "newest"
        statement = _page_statement(bool(filters.process_id), bool(filters.theme_id),
                                    bool(filters.district_id), state, sort)
        params = {"f_process": filters.process_id, "f_theme": filters.theme_id,
                  "f_district": filters.district_id, "f_state": filters.state if state else None,
                  "tally_states": _listed_states(filters),
                  "seed": random_seed() if sort == "random"
                  else None}
    return RowPage(page=page, per_page=per_page, max_per_page=None, error_out=False, language=language,
                   filters=filters, statement=statement, params=params)


@lru_cache(maxsize=1)
def _choices_select():
    """Processes, themes and districts in one round trip: ``(kind, id, name, process title)`` rows, each kind
    in its own order (processes and districts by name, themes by process, then position)."""
    blank = sa.literal("", sa.String)
    zero = sa.literal(0, sa.Integer)
    processes = sa.select(sa.literal(0, sa.Integer).label("kind"), Process.id, Process.title.label("name"),
                          blank.label("process"), Process.title.label("s1"), zero.label("s2"),
                          Process.id.label("s3"))
    themes = (sa.select(sa.literal(1, sa.Integer), Theme.id, Theme.name, Process.title, Process.title,
                        Theme.position, Theme.id).join(Process, Process.id == Theme.process_id))
    districts = sa.select(sa.literal(2, sa.Integer), District.id, District.name, blank, District.name, zero,
                          District.id)
    union = sa.union_all(processes, themes, districts).subquery()
    return sa.select(union.c.kind, union.c.id, union.c.name, union.c.process).order_by(
        union.c.kind, union.c.s1, union.c.s2, union.c.s3)


#: the filter choices, kept under their version (``consult.proposals.versions``)
CHOICES = cache.region("proposal_filter_choices", depends_on=("version",), max_entries=8)


def _choices_version():
    """The filter choices' version (``consult.proposals.versions``), as a scalar subquery: NULL without its
    row."""
    return (sa.select(CatalogVersion.version).where(CatalogVersion.name == versions.NAME)
            .scalar_subquery())


def choices_version() -> int | None:
    """The filter choices' version, or None when the database keeps none (an emptied database)."""
    return db.session.connection().execute(sa.select(_choices_version())).scalar()


def _read_choices() -> tuple[tuple, tuple, tuple]:
    kinds: tuple[list, list, list] = ([], [], [])
    for kind, id_, name, process in db.session.connection().execute(_choices_select()):
        kinds[kind].append((id_, name, process) if kind == 1 else (id_, name))
    return tuple(kinds[0]), tuple(kinds[1]), tuple(kinds[2])


def filter_choices(version=NOT_READ) -> tuple[tuple, tuple, tuple]:
    """Processes ``(id, title)``, themes ``(id, name, process title)`` and districts ``(id, name)`` for the
    filter form, as plain tuples: kept under their ``version`` (read here when not given), read in one query
    when it is new to the process, or at each call when the database keeps no version. The version is read
    before the choices: what is kept under a version is never older than it."""
    if version is NOT_READ:
        version = choices_version()
    if version is None:
        return _read_choices()
    return CHOICES.get_or_make(_read_choices, version=version)


@lru_cache(maxsize=4096)
def card_excerpt(text: str | None) -> str:
    """The plain-text excerpt a proposal card shows (the first 320 characters of the Markdown, cut at 180).
    Rendering Markdown is the costliest step of a card, and the same texts are listed again and again, so the
    result is memoised by text (a pure function of it; a bounded cache)."""
    return plain_excerpt((text or "")[:320], 180)


def proposal_page(proposal_id: int) -> Proposal | None:
    """One proposal with everything its page shows."""
    # people are shown by their public name only, so their own eager relationships (grants) are not loaded;
    # the process's phases and rule serve the policies, its themes and districts are not on the page
    return db.session.scalar(
        sa.select(Proposal).where(Proposal.id == proposal_id).options(
            joinedload(Proposal.author).lazyload("*"), joinedload(Proposal.theme),
            joinedload(Proposal.district),
            joinedload(Proposal.process).options(lazyload(Process.themes), lazyload(Process.districts)),
            selectinload(Proposal.translations).joinedload(ProposalTranslation.translator).lazyload("*"),
            selectinload(Proposal.answers).selectinload(ProposalAnswer.texts),
            selectinload(Proposal.sources).joinedload(Proposal.author).lazyload("*"),
            joinedload(Proposal.merged_into), joinedload(Proposal.merged_by).lazyload("*"),
        )
    )


def process_counts(process: Process) -> dict[str, int]:
    """Published proposals of a process by state (one aggregate query)."""
    rows = db.session.execute(sa.select(Proposal.state, sa.func.count()).where(
        Proposal.process_id == process.id, Proposal.state.in_(PUBLIC_STATES), Proposal.hidden_at.is_(None))
        .group_by(Proposal.state))
    return dict(rows.all())


def qualified_for_council(council_id: int):
    """Qualified proposals of the processes that feed ``council_id``, oldest qualification first: the list the
    council's secretary draws agenda items from (a select, for the councils module to paginate)."""
    return (sa.select(Proposal).join(Process, Process.id == Proposal.process_id)
            .where(Process.council_id == council_id, Proposal.state == "qualified",
                   Proposal.hidden_at.is_(None))
            .options(selectinload(Proposal.author), selectinload(Proposal.theme))
            .order_by(Proposal.qualified_at, Proposal.id))
