"""The short status words are said of a thing (a proposal, a poll, a session, minutes, a debate, a question, a
motion, an outcome and its actions): each is translated in that thing's context (``pgettext``), so languages
whose words agree with the thing in gender and number (fr « adoptée » of a motion, « adopté » of minutes) can
say each right; and ``make translations`` extracts those contexts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.mofile import write_mo
from babel.support import Translations
from flask import render_template_string
from flask_babel import Domain

ROOT = Path(__file__).resolve().parents[2]

#: every context, with the words said in it
CONTEXTS = {
    "proposal state": {"Draft", "Submitted", "Under review", "Qualified", "Accepted for an agenda", "Adopted",
                       "Rejected", "Implemented", "Withdrawn", "Merged"},
    "poll status": {"Open", "Closed", "Draft", "Ready", "Not open yet.", "Closed.", "Open now."},
    "poll result": {"Adopted", "Rejected", "Decided"},
    "session status": {"Draft", "Convened", "In progress", "Closed"},
    "minutes status": {"Draft", "Submitted for approval", "Approved", "Published"},
    "motion verdict": {"Adopted", "Rejected"},
    "debate status": {"Not started yet", "Live now", "Paused", "Ended"},
    "question status": {"New", "Shortlisted", "On screen now", "Answered", "Hidden"},
    "outcome status": {"Planned", "In progress", "Done", "Dropped"},
    "outcome action status": {"Planned", "In progress", "Done", "Dropped"},
}


def _makefile_keywords() -> dict:
    """The keywords of the Makefile's ``translations`` target (its ``pybabel extract`` line)."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "pybabel -q extract" in line)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(re.findall(r"-k (\S+)", line)))
    return keywords


def test_make_translations_extracts_every_status_word_with_its_context():
    method_map = [("consult/**.py", "python"), ("consult/templates/**.html", "jinja2")]
    found: dict[str, set[str]] = {}
    for _name, _line, message, _comments, context in extract_from_dir(
            ROOT, method_map=method_map, keywords=_makefile_keywords(),
            options_map={"consult/templates/**.html": {}}):
        if context:
            found.setdefault(context, set()).add(message if isinstance(message, str) else message[0])
    for context, words in CONTEXTS.items():
        assert words <= found.get(context, set()), (context, words - found.get(context, set()))


def test_the_makefile_names_pgettext_for_the_extraction():
    keywords = _makefile_keywords()
    assert keywords["pgettext"] == ((1, "c"), 2) and keywords["lazy_pgettext"] == ((1, "c"), 2)
    assert re.search(r"-k pgettext:1c,2\b", (ROOT / "Makefile").read_text())


@pytest.fixture
def marked(app, monkeypatch):
    """Translations that say each status word with its context in front: ``"motion verdict:Adopted"``."""
    catalog = Catalog(locale="fr")
    for context, words in CONTEXTS.items():
        for word in words:
            catalog.add(word, f"{context}:{word}", context=context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = Translations(fp=buffer)
    monkeypatch.setattr(Domain, "get_translations", lambda self: translations)
    with app.test_request_context("/"):
        yield


def test_each_label_is_asked_in_its_things_context(marked):
    from consult.meetings.models import SESSION_STATUS_LABELS, VERDICT_LABELS
    from consult.minutes.models import STATUS_LABELS as MINUTES
    from consult.outcomes.models import ACTION_STATUS_LABELS, OUTCOME_STATUS_LABELS
    from consult.proposals.models import STATE_LABELS
    from consult.votes.results import VERDICTS

    assert str(STATE_LABELS["adopted"]) == "proposal state:Adopted"
    assert str(VERDICT_LABELS["adopted"]) == "motion verdict:Adopted"
    assert str(VERDICTS["adopted"]) == "poll result:Adopted"
    assert str(MINUTES["published"]) == "minutes status:Published"
    assert str(SESSION_STATUS_LABELS["closed"]) == "session status:Closed"
    assert str(OUTCOME_STATUS_LABELS["done"]) == "outcome status:Done"
    assert str(ACTION_STATUS_LABELS["done"]) == "outcome action status:Done"


def test_an_outcome_and_its_actions_say_their_status_each_in_its_context(marked):
    from consult.outcomes.models import Outcome, OutcomeAction, OutcomeUpdate

    outcome = Outcome(actions=[OutcomeAction(title="Open the desk", status="done")])
    assert str(outcome.status_label) == "outcome status:Done"
    assert str(outcome.actions[0].status_label) == "outcome action status:Done"
    assert str(OutcomeUpdate(status="in_progress").status_label) == "outcome action status:In progress"


def test_templates_say_the_debates_poll_and_questions_status_in_context(marked):
    macros = '{% from "debates/_macros.html" import status_label, question_status_label %}'
    assert render_template_string(macros + '{{ status_label("ended") }}') == "debate status:Ended"
    assert render_template_string(macros + '{{ question_status_label("answered") }}') == \
        "question status:Answered"
    assert render_template_string('{{ pgettext("poll status", "Open now.") }}') == "poll status:Open now."
