"""Reading and checking answers: which questions apply, what a form's fields say, and what is wrong.

The answer form's fields are named after the question (``q12``), with one field per item or row for rankings
and matrices (``q12_3``: item or row 3). Answers are kept as ``{"<question id>": value}``:

* single choice: the option id; multiple choice: the option ids chosen (in the options' order);
* scale: the number; ranking: the item ids, first ranked first; short/long text: the text;
* matrix: ``{"<row id>": number}`` for the rows answered.

A question applies when it has no condition, or when the answer kept for its condition question (which itself
applied) includes one of its condition options. Answers to questions that do not apply are dropped, whatever
was sent. Without JavaScript a conditional question of the same page is shown with its condition in words;
the server decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l

from consult.surveys.models import (
    LONG_TEXT,
    LONG_TEXT_MAX,
    MATRIX,
    MULTIPLE,
    RANKING,
    SCALE,
    SHORT_TEXT,
    SHORT_TEXT_MAX,
    SINGLE,
    SurveyQuestion,
)

Raw = Mapping[str, list[str]]


def applies(question: SurveyQuestion, answers: Mapping[str, object]) -> bool:
    """Whether ``question`` applies given the answers kept so far (of the questions before it)."""
    if question.condition_question_id is None:
        return True
    given = answers.get(str(question.condition_question_id))
    if given is None:
        return False
    chosen = set(given) if isinstance(given, list) else {given}
    return bool(chosen & set(question.condition_option_ids or []))


def field_names(question: SurveyQuestion) -> list[str]:
    if question.kind == RANKING:
        return [f"{question.field}_{o['id']}" for o in question.options]
    if question.kind == MATRIX:
        return [f"{question.field}_{r['id']}" for r in question.rows]
    return [question.field]


def raw_of(questions: Iterable[SurveyQuestion], form) -> dict[str, list[str]]:
    """What ``form`` (a MultiDict or a mapping of lists) holds for ``questions``' fields, nothing else."""
    raw = {}
    for question in questions:
        for name in field_names(question):
            values = form.getlist(name) if hasattr(form, "getlist") else list(form.get(name) or [])
            values = [str(v) for v in values if isinstance(v, str | int)][:50]
            if values:
                raw[name] = values
    return raw


def _int(text: str) -> int | None:
    text = (text or "").strip()
    if not text or len(text) > 6:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _first(raw: Raw, name: str) -> str:
    values = raw.get(name) or []
    return values[0].strip() if values else ""


def _single(question, raw):
    text = _first(raw, question.field)
    if not text:
        return None, None
    value = _int(text)
    if value not in {o["id"] for o in question.options}:
        return None, _l("Please choose one of the options.")
    return value, None


def _multiple(question, raw):
    ids = {o["id"] for o in question.options}
    chosen = {_int(v) for v in raw.get(question.field) or [] if v.strip()}
    if not chosen:
        return None, None
    if not chosen <= ids:
        return None, _l("Please choose among the options.")
    if question.min_choices and len(chosen) < question.min_choices:
        return None, _l("Please choose at least %(n)s options.", n=question.min_choices)
    if question.max_choices and len(chosen) > question.max_choices:
        return None, _l("Please choose at most %(n)s options.", n=question.max_choices)
    return [o["id"] for o in question.options if o["id"] in chosen], None


def _scale(question, raw):
    text = _first(raw, question.field)
    if not text:
        return None, None
    value = _int(text)
    if value not in question.scale_values:
        return None, _l("Please choose a value from %(low)s to %(high)s.", low=question.scale_min,
                        high=question.scale_max)
    return value, None


def _ranking(question, raw):
    given = {o["id"]: _first(raw, f"{question.field}_{o['id']}") for o in question.options}
    if not any(given.values()):
        return None, None
    count = len(question.options)
    ranks = {item: _int(text) for item, text in given.items()}
    if sorted(r for r in ranks.values() if r is not None) != list(range(1, count + 1)):
        return None, _l("Please give each item a different number from 1 to %(n)s (1 for the first).",
                        n=count)
    return sorted(ranks, key=lambda item: ranks[item]), None


def _text(question, raw):
    text = "\n".join(line.rstrip() for line in _first(raw, question.field).replace("\r\n", "\n").split("\n"))
    text = text.strip()
    if not text:
        return None, None
    limit = SHORT_TEXT_MAX if question.kind == SHORT_TEXT else LONG_TEXT_MAX
    if len(text) > limit:
        return None, _l("Please keep your answer under %(n)s characters.", n=limit)
    if question.kind == SHORT_TEXT and "\n" in text:
        text = " ".join(text.split())
    return text, None


def _matrix(question, raw):
    values = {}
    for row in question.rows:
        text = _first(raw, f"{question.field}_{row['id']}")
        if not text:
            continue
        value = _int(text)
        if value not in question.scale_values:
            return None, _l("Please choose a value from %(low)s to %(high)s.", low=question.scale_min,
                            high=question.scale_max)
        values[str(row["id"])] = value
    if not values:
        return None, None
    if question.required and len(values) < len(question.rows):
        return None, _l("Please answer every row.")
    return values, None


READERS = {SINGLE: _single, MULTIPLE: _multiple, SCALE: _scale, RANKING: _ranking, SHORT_TEXT: _text,
           LONG_TEXT: _text, MATRIX: _matrix}


def read(question: SurveyQuestion, raw: Raw):
    """``(value, error)`` for one question: value None when not answered; error None when nothing is wrong
    (a required question left empty is wrong)."""
    value, error = READERS[question.kind](question, raw)
    if error is None and value is None and question.required:
        error = _l("This question needs an answer.")
    return value, error


def clean(questions: Iterable[SurveyQuestion], raw: Raw) -> tuple[dict, dict]:
    """Read every question in order: ``(answers, errors)``, answers and errors keyed by question id (str for
    answers, int for errors), questions that do not apply left out of both."""
    answers: dict[str, object] = {}
    errors: dict[int, object] = {}
    for question in questions:
        if not applies(question, answers):
            continue
        value, error = read(question, raw)
        if error is not None:
            errors[question.id] = error
        elif value is not None:
            answers[str(question.id)] = value
    return answers, errors


def section_may_apply(section_questions: list[SurveyQuestion], answers: Mapping[str, object]) -> bool:
    """Whether a page has something to ask given the answers of the pages before it: a question that applies,
    or one whose condition is a question of the same page (answered there)."""
    here = {q.id for q in section_questions}
    return any(q.condition_question_id in here or applies(q, answers) for q in section_questions)


def as_raw(question: SurveyQuestion, value) -> dict[str, list[str]]:
    """The form fields that give ``value`` (to show a kept answer again)."""
    if value is None:
        return {}
    if question.kind == RANKING:
        return {f"{question.field}_{item}": [str(i + 1)] for i, item in enumerate(value)}
    if question.kind == MATRIX:
        return {f"{question.field}_{row}": [str(v)] for row, v in value.items()}
    if question.kind == MULTIPLE:
        return {question.field: [str(v) for v in value]}
    return {question.field: [str(value)]}
