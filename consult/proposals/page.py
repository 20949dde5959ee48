"""The proposal page's read model, and the HTML of its reader-independent parts cached between readers.

The proposal is loaded as one ORM entity without its relationships (the policies, the comments, the follow
and report buttons and the fact-check notes take it as their target), in the same query as the names around it
(author, theme, district, process, "merged into"), flags telling whether it has translations, answers,
sources and fact-check notes, and the version of its comment thread (the comments section then needs no
query of its own when the process holds that version's rows: ``consult.comments.thread``). Its translations,
official answers with their texts and sources with their authors come as plain rows in one more query, run
only when it has some (loading them as ORM objects through seven eager relationships was what made the page
costly). Two queries at most, whatever the proposal has.

The HTML of the parts that are the same for every reader (title and facts, notices, the text and the
attachment, the sources, the official answers) is cached per *content* (``PAGE_PARTS``): it depends on the
rows themselves, the language, the time zone, ``?original=1`` and whether the reader may see a hidden text.
Any change to what is shown (an edit, a translation, an answer, a new state, a merge, a hide, a renamed author
or theme) is a new entry at once: nothing is invalidated, nothing stale is shown. What depends on the reader
(the support box, the links to edit, translate, answer or withdraw, follow and report, the notes and the
comments) is rendered for each request, with the policies decided once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import aliased, defaultload, lazyload

from consult.accounts.models import User
from consult.comments import thread
from consult.core import cache
from consult.extensions import db
from consult.processes.models import Process, Theme
from consult.proposals.models import (
    STATE_LABELS,
    AnswerText,
    Proposal,
    ProposalAnswer,
    ProposalFacts,
    ProposalSource,
    ProposalTranslation,
)
from consult.residency.models import District


def _former_participant() -> str:
    from flask_babel import gettext

    return gettext("Former participant")


@dataclass(frozen=True, slots=True)
class AnswerView:
    """An official answer as plain values: ``texts`` is ``((language, body), ...)`` by language."""

    id: int
    state: str
    created_at: object
    texts: tuple[tuple[str, str], ...]

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    def text_for(self, *languages) -> TextView | None:
        """The text in the first of ``languages`` that exists, else the first written (as
        ``ProposalAnswer``)."""
        by_language = dict(self.texts)
        for language in languages:
            if language in by_language:
                return TextView(language, by_language[language])
        return TextView(*self.texts[0]) if self.texts else None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.texts)


@dataclass(frozen=True, slots=True)
class TextView:
    language: str
    body: str


@dataclass(frozen=True, slots=True)
class SourceView:
    id: int
    title: str
    language: str
    #: the author's public name, or None when the source has no author
    author_name: str | None


class PageView(ProposalFacts):
    """Everything the reader-independent parts of the page show, as plain values."""

    has_notes = False

    def __init__(self, row, translations: tuple, answers: tuple[AnswerView, ...],
                 sources: tuple[SourceView, ...]):
        self.row, self.translations, self.answers, self.sources = tuple(row), translations, answers, sources
        (self.id, self.title, self.body, self.language, self.state, self.published_at, self.hidden_at,
         self.hidden_reason, self.attachment_name, self.attachment_type, self.attachment_filename,
         self.attachment_alt, self.process_id, self.author_id, self.merged_into_id, self.author_display_name,
         self.author_erased, self.theme_name, self.district_name, self.process_title, self.support_threshold,
         self.merged_into_title) = self.row

    @property
    def author_name(self) -> str | None:
        if self.author_id is None:
            return None
        return _former_participant() if self.author_erased else self.author_display_name

    def in_language(self, language: str) -> tuple[str, str, TextView | None]:
        """``(title, body, translation_or_None)`` for a reader of ``language`` (as
        ``services.in_language``)."""
        if language != self.language:
            for lang, title, body in self.translations:
                if lang == language:
                    return title, body, TextView(lang, body)
        return self.title, self.body, None

    def has_translation(self, language: str) -> bool:
        return any(lang == language for lang, _, _ in self.translations)

    @property
    def key(self) -> tuple:
        """Everything shown, as one hashable value."""
        return (self.row, self.translations, self.answers, self.sources)


@lru_cache(maxsize=1)
def _proposal_select():
    """The proposal (one ORM entity: the policies' and the other sections' target) with the names around it,
    and whether it has translations, answers, sources and fact-check notes (those are read only when it has
    some). Built once; ``proposal_id`` is bound. The process is not loaded here: the policies load it (with
    its phases and rule, not its themes and districts) only for a reader they have to look at it for."""
    from consult.comments.models import Comment, CommentThread
    from consult.moderation.models import FactCheckNote

    merged = aliased(Proposal)
    thread_version = sa.select(CommentThread.version).where(CommentThread.target_type == "proposal")
    return (sa.select(Proposal, User.display_name, User.deleted_at.is_not(None), Theme.name, District.name,
                      Process.title, Process.support_threshold, merged.title,
                      sa.exists().where(ProposalTranslation.proposal_id == Proposal.id),
                      sa.exists().where(ProposalAnswer.proposal_id == Proposal.id),
                      sa.exists().where(ProposalSource.target_id == Proposal.id),
                      sa.exists().where(FactCheckNote.target_type == "proposal",
                                        FactCheckNote.target_id == Proposal.id),
                      thread_version.where(CommentThread.target_id == Proposal.id).scalar_subquery(),
                      sa.exists().where(Comment.target_type == "proposal", Comment.target_id == Proposal.id))
            .join(Process, Process.id == Proposal.process_id)
            .outerjoin(User, User.id == Proposal.author_id)
            .outerjoin(Theme, Theme.id == Proposal.theme_id)
            .outerjoin(District, District.id == Proposal.district_id)
            .outerjoin(merged, merged.id == Proposal.merged_into_id)
            .where(Proposal.id == sa.bindparam("proposal_id"))
            .options(defaultload(Proposal.process).options(lazyload(Process.themes),
                                                           lazyload(Process.districts)))
            .execution_options(populate_existing=True))


def _null(type_):
    return sa.cast(sa.null(), type_)


@lru_cache(maxsize=1)
def _children_select():
    """Translations, answers with their texts, and sources with their authors in one query of
    ``(kind, number, author_id, s1, s2, s3, moment, erased)`` rows (0: translation, 1: answer text,
    2: source); ordered in Python (``load``)."""
    source = aliased(Proposal)
    pid = sa.bindparam("proposal_id")
    translations = sa.select(sa.literal_column("0", sa.Integer).label("kind"),
                             _null(sa.Integer).label("number"), _null(sa.Integer).label("author_id"),
                             ProposalTranslation.language.label("s1"), ProposalTranslation.title.label("s2"),
                             ProposalTranslation.body.label("s3"),
                             _null(sa.DateTime).label("moment"), _null(sa.Boolean).label("erased")
                             ).where(ProposalTranslation.proposal_id == pid)
    answers = (sa.select(sa.literal_column("1", sa.Integer), ProposalAnswer.id, _null(sa.Integer),
                         ProposalAnswer.state, AnswerText.language, AnswerText.body,
                         ProposalAnswer.created_at, _null(sa.Boolean))
               .outerjoin(AnswerText, AnswerText.answer_id == ProposalAnswer.id)
               .where(ProposalAnswer.proposal_id == pid))
    sources = (sa.select(sa.literal_column("2", sa.Integer), source.id, source.author_id, source.title,
                         source.language, User.display_name, _null(sa.DateTime), User.deleted_at.is_not(None))
               .select_from(ProposalSource)
               .join(source, source.id == ProposalSource.source_id)
               .outerjoin(User, User.id == source.author_id)
               .where(ProposalSource.target_id == pid))
    return sa.union_all(translations, answers, sources)


def load(proposal_id: int) -> tuple[Proposal, PageView] | None:
    """The proposal and its page's plain values: one query, and a second when it has translations, answers or
    sources (whatever their number)."""
    found = db.session.execute(_proposal_select(), {"proposal_id": proposal_id}).first()
    if found is None:
        return None
    proposal, *names, has_translations, has_answers, has_sources, has_notes, thread_version, commented = found
    # the comments section then reads its thread's version from here, not in a query of its own
    thread.prefetch_version(("proposal", proposal_id), thread_version, bool(commented))
    p = proposal
    row = (p.id, p.title, p.body, p.language, p.state, p.published_at, p.hidden_at, p.hidden_reason,
           p.attachment_name, p.attachment_type, p.attachment_filename, p.attachment_alt, p.process_id,
           p.author_id, p.merged_into_id, *names)
    rows = (db.session.connection().execute(_children_select(), {"proposal_id": proposal_id}).all()
            if has_translations or has_answers or has_sources else ())
    translations = tuple(sorted((s1, s2, s3) for kind, _, _, s1, s2, s3, _, _ in rows if kind == 0))
    answers: dict[int, tuple] = {}
    texts: dict[int, list[tuple[str, str]]] = {}
    sources = []
    for kind, number, author_id, s1, s2, s3, moment, erased in rows:
        if kind == 1:
            answers[number] = (number, s1, moment)
            if s2 is not None:
                texts.setdefault(number, []).append((s2, s3))
        elif kind == 2:
            sources.append(SourceView(number, s1, s2, None if author_id is None
                                      else (_former_participant() if erased else s3)))
    # newest answer first (as ``Proposal.answers``), each one's texts by language; sources by id
    ordered = sorted(answers.values(), key=lambda a: (a[2], a[0]), reverse=True)
    view = PageView(row, translations,
                    tuple(AnswerView(*a, tuple(sorted(texts.get(a[0], ())))) for a in ordered),
                    tuple(sorted(sources, key=lambda source: source.id)))
    #: the notes are read (by ``moderation/_notes.html``) only when there are some
    view.has_notes = bool(has_notes)
    return proposal, view


@dataclass(frozen=True, slots=True)
class Parts:
    """The cached HTML of the page: above the fact-check notes, from them to the support box, the answers."""

    top: Markup
    main: Markup
    answers: Markup


#: the reader-independent HTML of a page: depends on everything the page shows (``PageView.key``) and on how
#: it is read (the reader's language, ``?original=1``, whether the hidden text is shown)
PAGE_PARTS = cache.region("proposal_pages", depends_on=("content", "language", "original", "shows_body"),
                          varies_on=(cache.language, cache.time_zone), max_entries=256, max_size=16_000_000,
                          size_of=lambda parts: len(parts.top) + len(parts.main) + len(parts.answers))


def parts(view: PageView, *, language: str, show_original: bool, shows_body: bool) -> Parts:
    """The reader-independent HTML of the page, from the cache when it holds this content read this way."""

    def render() -> Parts:
        title, body, translation = view.in_language(view.language if show_original else language)
        context = dict(page=view, title=title, body=body, translation=translation,
                       show_original=show_original, shows_body=shows_body,
                       has_translation=view.has_translation(language), language=language)
        return Parts(*(Markup(render_template(f"proposals/_page_{name}.html", **context))
                       for name in ("top", "main", "answers")))

    return PAGE_PARTS.get_or_make(render, content=view.key, language=language, original=show_original,
                                  shows_body=shows_body)
