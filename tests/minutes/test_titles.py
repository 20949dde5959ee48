"""Titles of minutes in the minutes' own language, with a name of the other direction isolated.

A translation's title is made from the record in the translation's language (the word for minutes and the
date translated, the session's name kept as it was given, between FSI and PDI in text and in <bdi> on pages),
so the Arabic minutes and their PDF no longer show "Minutes: Extraordinary session, December 7, 2026", whose
date came out reversed ("December / 2026 ,7") in the right-to-left PDF. Translations made before keep the
original's English title in the database: it is made again in their language when shown.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest

from consult.accounts import services as accounts
from consult.extensions import db as _db
from consult.minutes import services
from consult.minutes.drafting import FSI, PDI, display_title, title_for
from consult.minutes.models import Minutes
from tests.minutes.fixtures import record

COUNCIL = 1
SESSION = "Extraordinary session"
ARABIC_DATE = "7 ديسمبر 2026"
ARABIC_MINUTES = "المحضر"


@pytest.fixture
def officers(db, make_user):
    secretary = make_user("secretary", display_name="Mariam")
    president = make_user("president", display_name="Adama")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=COUNCIL)
    accounts.grant_role(president, "president", scope_type="council", scope_id=COUNCIL)
    db.session.commit()
    return SimpleNamespace(secretary=secretary, president=president)


def publish(minutes: Minutes, officers) -> Minutes:
    if minutes.kind == "translation":
        services.save_revision(minutes, minutes.body + "\nترجمة.\n", author=officers.secretary)
    services.submit(minutes, actor=officers.secretary)
    services.approve(minutes, actor=officers.president)
    services.publish(minutes, actor=officers.secretary)
    _db.session.commit()
    return minutes


def extraordinary(officers) -> Minutes:
    minutes = services.create_draft(record(title=SESSION, starts_at="2026-12-07T17:30:00",
                                           ends_at="2026-12-07T19:00:00"), council_id=COUNCIL)
    _db.session.commit()
    return publish(minutes, officers)


def arabic_translation(app, officers, title=None) -> Minutes:
    original = extraordinary(officers)
    translation = services.start_translation(original, "ar", actor=officers.secretary,
                                             languages=app.config["LANGUAGES"], title=title)
    _db.session.commit()
    return publish(translation, officers)


def test_the_original_title_is_unchanged(officers):
    assert extraordinary(officers).title == "Minutes: Extraordinary session, December 7, 2026"


def test_a_translation_s_title_is_made_in_its_language(app, officers):
    translation = arabic_translation(app, officers)
    assert translation.title == f"{ARABIC_MINUTES}: {FSI}{SESSION}{PDI}، {ARABIC_DATE}"
    assert "Minutes" not in translation.title and "December" not in translation.title
    french = services.start_translation(translation.translation_of, "fr", actor=officers.secretary,
                                        languages=app.config["LANGUAGES"])
    assert french.title == "Procès-verbal\u00a0: Extraordinary session, 7 décembre 2026"  # nothing to isolate


def test_a_name_of_the_other_direction_is_isolated_in_either_direction(app):
    with app.app_context():
        arabic_name = title_for(record(title="الجلسة الاستثنائية", starts_at="2026-12-07T17:30:00"), "fr")
        assert arabic_name == f"Procès-verbal\u00a0: {FSI}الجلسة الاستثنائية{PDI}, 7 décembre 2026"
        same = title_for(record(title="الجلسة الاستثنائية", starts_at="2026-12-07T17:30:00"), "ar")
        assert FSI not in same and same.startswith(ARABIC_MINUTES)


def test_the_arabic_page_shows_the_arabic_title_with_the_name_in_bdi(client, app, officers):
    translation = arabic_translation(app, officers)
    html = client.get(f"/minutes/{translation.id}").get_data(as_text=True)
    heading = re.search(r'<h1 id="minutes-title"([^>]*)>(.*?)</h1>', html, re.S)
    assert 'lang="ar"' in heading.group(1) and 'dir="rtl"' in heading.group(1)
    assert heading.group(2) == f"{ARABIC_MINUTES}: <bdi>{SESSION}</bdi>، {ARABIC_DATE}"
    assert f"<title>{ARABIC_MINUTES}: {SESSION}، {ARABIC_DATE}" in html
    listed = client.get("/minutes/").get_data(as_text=True)
    assert f"<bdi>{SESSION}</bdi>، {ARABIC_DATE}" in listed
    assert "Minutes: Extraordinary session, December 7, 2026" in listed  # the original is listed as it is


def test_a_translation_that_kept_the_english_title_is_shown_in_its_language(client, app, officers):
    translation = arabic_translation(app, officers, title="Minutes: Extraordinary session, December 7, 2026")
    assert translation.title.startswith("Minutes:")  # as translations were made until now
    assert display_title(translation) == f"{ARABIC_MINUTES}: {FSI}{SESSION}{PDI}، {ARABIC_DATE}"
    html = client.get(f"/minutes/{translation.id}").get_data(as_text=True)
    heading = re.search(r'<h1 id="minutes-title"[^>]*>(.*?)</h1>', html, re.S).group(1)
    assert heading == f"{ARABIC_MINUTES}: <bdi>{SESSION}</bdi>، {ARABIC_DATE}"
    markdown = client.get(f"/minutes/{translation.id}.md").get_data(as_text=True)
    assert markdown.startswith(f"# {ARABIC_MINUTES}: {FSI}{SESSION}{PDI}، {ARABIC_DATE}\n")
    assert client.get(f"/minutes/{translation.id}.json").get_json()["title"] == display_title(translation)
    # a title someone chose is left as it is
    chosen = services.start_translation(translation.translation_of, "fr", actor=officers.secretary,
                                        languages=app.config["LANGUAGES"], title="Séance extraordinaire")
    assert display_title(chosen) == "Séance extraordinaire"


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_arabic_pdf_has_the_arabic_title_and_the_date_in_order(client, app, officers):
    translation = arabic_translation(app, officers, title="Minutes: Extraordinary session, December 7, 2026")
    data = client.get(f"/minutes/{translation.id}.pdf").get_data()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    title = next(line for line in text.splitlines() if ARABIC_MINUTES in line or ARABIC_MINUTES[::-1] in line)
    assert "Minutes" not in title and "December" not in title
    assert SESSION in title  # the isolated name is kept whole, left to right
    # pypdf gives this line as it is laid out, left to right: a right-to-left title ends on the left, so the
    # year comes first, then the month, then the day ("7 ديسمبر 2026" read from the right); the English title
    # came out as "December / 2026 ,7"
    assert "2026ديسمبر7" in re.sub(r"\s", "", title), title
