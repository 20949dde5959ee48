"""The demo council's minutes in the people's languages: drafted again from the translated record, so
headings, dates and vote wording come from the catalogs, and published through the translation workflow."""

from __future__ import annotations

import re

from consult.demo import minutes as demo_minutes
from consult.minutes import services
from consult.minutes.drafting import draft_markdown
from consult.minutes.models import Minutes
from tests.minutes.fixtures import record

#: labels the draft writes itself: none may stay in English in another language ("Agenda", "Quorum",
#: "absent" and "Motion" are left out: French writes them the same)
LABELS = ("Body:", "Ended at:", "Chaired by:", "Minutes written by:", "Attendance", "present:", "excused:",
          "Majority rule:", "Verdict:", "Named vote:", "Decisions:",
          "Action items:", "Nobody")


def test_a_draft_in_another_language_leaves_no_label_in_english(app):
    for language in ("fr", "es", "it", "pt", "ar"):
        with app.test_request_context():
            body = draft_markdown(record(language=language))
        left = [label for label in LABELS if label in body]
        assert not left, (language, left)
    with app.test_request_context():
        english = draft_markdown(record())
    assert all(label in english for label in LABELS if label != "Nobody")  # everyone has a group here


def test_demo_publishes_the_council_minutes_in_french_italian_and_arabic(app, db, make_user):
    translator, secretary, president = make_user("translator"), make_user("secretary"), make_user("president")
    data = record(title="Ordinary session of October", place="Sala Gialla, town hall")
    original = services.create_draft(data, council_id=1)
    for step in (services.submit, services.approve, services.publish):
        step(original, actor=president)
    demo_minutes._publish_translations(original, translator, secretary, president)
    db.session.commit()
    by_language = {m.language: m for m in db.session.query(Minutes).filter_by(
        translation_of_id=original.id, status="published")}
    assert set(by_language) == {"fr", "it", "ar"}
    arabic = by_language["ar"]
    assert (arabic.status == "published" and arabic.kind == "translation" and arabic.translation_of_id
            == original.id)
    assert "الجلسة العادية لشهر أكتوبر" in arabic.title and arabic.title.startswith("المحضر")
    assert "القاعة الصفراء، مبنى البلدية" in arabic.body and "مجلس الثقافات" in arabic.body
    assert "اختُتمت الجلسة" in arabic.body  # the closing sentence, translated
    assert re.search(r"\*\*.*الحضور", arabic.body) or "الحضور" in arabic.body
    assert "Séance ordinaire d'octobre" in by_language["fr"].title
    assert db.session.query(Minutes).filter_by(kind="translation").count() == 3
    # once published, running it again changes nothing
    demo_minutes._publish_translations(original, translator, secretary, president)
    assert db.session.query(Minutes).filter_by(kind="translation").count() == 3
