"""Surveys: a questionnaire attached to a process, its sections and questions, and the responses.

* A survey is built by the process's organisers as a draft, published (answers are taken between its opening
  and closing moments, stored in UTC, typed on the city's clock), then closed. Once a response exists its
  structure is locked: only the wording (texts, option labels, help) can still be fixed.
* The options of a choice question, the items of a ranking and the rows of a matrix are JSON lists of
  ``{"id": n, "label": text}``: the ids never change, so answers keep pointing at the same option when its
  label is fixed.
* A conditional question names an earlier single or multiple choice question (``condition_question_id``) and
  the options (``condition_option_ids``) of which one must have been chosen for it to apply.
* **Anonymous surveys**: a :class:`SurveyResponse` has no user id (null) and no time finer than the day it was
  given; who answered is kept apart in :class:`SurveyParticipant` (no link to the response, no time), which
  makes "one response per person" hold. Both tables have random keys and no row order (as the ballots and
  participations of ``consult.votes``). **Named surveys** keep the user id on the response, shown to the
  organisers only.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import ListRowMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db

DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"
STATUS_LABELS = {
    DRAFT: lazy_pgettext("survey status", "Draft"),
    PUBLISHED: lazy_pgettext("survey status", "Published"),
    CLOSED: lazy_pgettext("survey status", "Closed"),
}

SINGLE, MULTIPLE, SCALE, RANKING, SHORT_TEXT, LONG_TEXT, MATRIX = (
    "single", "multiple", "scale", "ranking", "short_text", "long_text", "matrix")
KIND_LABELS = {
    SINGLE: _l("Single choice"),
    MULTIPLE: _l("Multiple choice"),
    SCALE: _l("Scale"),
    RANKING: _l("Ranking"),
    SHORT_TEXT: _l("Short text"),
    LONG_TEXT: _l("Long text"),
    MATRIX: _l("Matrix (rows on a shared scale)"),
}
KINDS = tuple(KIND_LABELS)
#: kinds whose answers may make a later question apply
CHOICE_KINDS = (SINGLE, MULTIPLE)
#: kinds with a list of options (or items to rank)
OPTION_KINDS = (SINGLE, MULTIPLE, RANKING)
TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)
SHORT_TEXT_MAX, LONG_TEXT_MAX = 200, 5000


class Survey(TimestampMixin, db.Model):
    __tablename__ = "survey"
    __table_args__ = (sa.CheckConstraint("status in ('draft', 'published', 'closed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = parent_key("process.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown: what the survey is for and what is done with the answers
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: chosen by the organisers before publishing, said on the survey's page before anyone answers
    anonymous: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=DRAFT)
    #: answers are taken from ``opens_at`` (included) to ``closes_at`` (excluded), naive UTC; null: at once /
    #: until closed by hand
    opens_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: who may answer (residence facts only); null: the process's rule, or any signed-in person
    eligibility_rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("eligibility_rule.id", ondelete="RESTRICT"))
    #: the organisers publish the results (counts, charts, free text not hidden) to everyone
    results_public: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    #: read when needed (a list of surveys reads none of these; the process is usually known already)
    process = relationship("Process")
    eligibility_rule = relationship("EligibilityRule")
    sections: Mapped[list[SurveySection]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveySection.position, SurveySection.id")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveyQuestion.position, SurveyQuestion.id")

    @property
    def url(self) -> str:
        return f"/surveys/{self.id}"

    @property
    def status_label(self):
        """Closed also once its closing moment has passed."""
        if self.status == PUBLISHED and self.closes_at is not None and utcnow() >= self.closes_at:
            return STATUS_LABELS[CLOSED]
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def rule(self):
        """The eligibility rule that decides who answers."""
        return self.eligibility_rule if self.eligibility_rule_id else self.process.eligibility_rule

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (self.status == PUBLISHED and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))

    def ordered_questions(self) -> list[SurveyQuestion]:
        """The questions in the order people meet them: section by section."""
        place = {s.id: i for i, s in enumerate(self.sections)}
        return sorted(self.questions, key=lambda q: (place.get(q.section_id, 0), q.position, q.id))

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.status}>"


class SurveySection(ListRowMixin, db.Model):
    """A page of the survey (without JavaScript, one page each; one with nothing that applies is skipped)."""

    __tablename__ = "survey_section"

    survey_id: Mapped[int] = parent_key("survey.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    survey: Mapped[Survey] = relationship(back_populates="sections")

    def questions(self) -> list[SurveyQuestion]:
        return [q for q in self.survey.ordered_questions() if q.section_id == self.id]


class SurveyQuestion(ListRowMixin, db.Model):
    __tablename__ = "survey_question"
    __table_args__ = (
        sa.CheckConstraint("kind in ('single', 'multiple', 'scale', 'ranking', 'short_text', 'long_text', "
                           "'matrix')", name="kind_known"),
    )

    survey_id: Mapped[int] = parent_key("survey.id")
    section_id: Mapped[int] = parent_key("survey_section.id")
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    text: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    help: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    required: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: single/multiple choice options, ranking items: ``[{"id": 1, "label": "..."}, ...]``
    options: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: matrix rows, same shape
    rows: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: scale and matrix: the values from ``scale_min`` to ``scale_max`` and the labels of both ends
    scale_min: Mapped[int | None] = mapped_column(sa.Integer)
    scale_max: Mapped[int | None] = mapped_column(sa.Integer)
    min_label: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    max_label: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: multiple choice: how many options may / must be chosen (null: no bound)
    min_choices: Mapped[int | None] = mapped_column(sa.Integer)
    max_choices: Mapped[int | None] = mapped_column(sa.Integer)
    #: the question applies only when this earlier choice question's answer includes one of the options
    condition_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="SET NULL"))
    condition_option_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    section: Mapped[SurveySection] = relationship()

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def field(self) -> str:
        """The name of its input(s) in the answer form."""
        return f"q{self.id}"

    def option_label(self, option_id) -> str:
        return next((o["label"] for o in self.options if o["id"] == option_id), "")

    @property
    def scale_values(self) -> list[int]:
        if self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))


class SurveyResponse(db.Model):
    """One person's answers. In an anonymous survey: no user id, only the day. Random key, no row order."""

    __tablename__ = "survey_response"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    survey_id: Mapped[int] = parent_key("survey.id")
    #: named surveys only (null in an anonymous survey, and once the account is erased)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the day it was given, on the city's calendar (nothing finer)
    given_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: ``{"<question id>": answer}`` for the questions that applied and were answered
    answers: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: ids of the questions whose free-text answer the organisers hid from the public results
    hidden: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    user = relationship("User")


class SurveyParticipant(db.Model):
    """Who answered a survey; never what, never when (one response per person)."""

    __tablename__ = "survey_participant"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
