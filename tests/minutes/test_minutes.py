"""Minutes: draft completeness, revisions and diff, approval workflow and permissions, immutability,
exports."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from consult.accounts import services as accounts
from consult.core.errors import Conflict, DomainError
from consult.extensions import db as _db
from consult.minutes import services
from consult.minutes.models import Minutes, MinutesRevision
from tests.helpers import count, text_of
from tests.minutes.fixtures import DEBATE_RECORD, record

COUNCIL = 1


@pytest.fixture
def officers(db, make_user):
    secretary = make_user("secretary", display_name="Mariam")
    president = make_user("president", display_name="Adama")
    member = make_user("member", display_name="Chen")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=COUNCIL)
    accounts.grant_role(president, "president", scope_type="council", scope_id=COUNCIL)
    db.session.commit()
    return SimpleNamespace(secretary=secretary, president=president, member=member)


def make_minutes(mode="president", **changes) -> Minutes:
    minutes = services.create_draft(record(**changes), council_id=COUNCIL, approval_mode=mode)
    _db.session.commit()
    return minutes


def published_minutes(officers, **changes) -> Minutes:
    minutes = make_minutes(**changes)
    services.submit(minutes, actor=officers.secretary)
    services.approve(minutes, actor=officers.president)
    services.publish(minutes, actor=officers.secretary)
    _db.session.commit()
    return minutes


# --- drafting --------------------------------------------------------------------------------------------


def test_draft_is_complete_from_the_record(db):
    minutes = make_minutes()
    body = minutes.body
    data = record()
    for group in ("present", "excused", "absent"):
        for person in data["attendance"][group]:
            assert person["name"] in body
    assert "arrived late" in body and "left at" in body
    assert "Quorum" in body and "reached" in body
    assert "Town hall, Sala Rossa" in body and "Chaired by" in body and "Mariam" in body
    for item in data["items"]:
        assert item["title"] in body
        for motion in item["motions"]:
            assert motion["text"] in body
            votes = f"in favour {motion['yes']}, against {motion['no']}, abstaining {motion['abstain']}"
            assert votes in body
            assert motion["rule"] in body
    assert body.count("Adopted") == 2 and body.count("Rejected") == 1
    assert "Chen: in favour" in body and "Adama: abstention" in body
    assert "The council supports local resident cards." in body
    assert "Write to the mayor" in body and "owner: President" in body and "2026" in body
    assert body.index("Adama, Chen") > 0  # speakers in their order
    assert minutes.revision_count == 1 and minutes.revisions[0].author_id is None
    assert minutes.title.startswith("Minutes: Ordinary session")


def test_debate_draft_has_segments_speaking_time_questions_and_polls(db):
    minutes = services.create_draft(DEBATE_RECORD)
    body = minutes.body
    assert minutes.source_type == "debate" and minutes.source_id == 3
    assert "Expert input" in body and "20 minutes planned" in body
    assert "Dr. Rossi (expert): 2 speeches, speaking time 12 min 34 s" in body
    assert "How do I get a resident card?" in body and "Unanswered question" not in body
    assert "Yes: 40" in body and "44 participants" in body


def test_one_original_per_source(db):
    first = make_minutes()
    again = services.create_draft(record(), council_id=COUNCIL)
    assert again.id == first.id and count(Minutes) == 1


def test_record_text_cannot_inject_markup(db):
    minutes = make_minutes(title="<script>alert(1)</script> # not a heading")
    from consult.core.text import render_markdown

    html = str(render_markdown(minutes.body))
    assert "<script" not in html


def test_session_closed_signal_drafts_minutes_and_outcomes(db, monkeypatch):
    """The contract with meetings: session_record(session) → draft + one outcome per adopted motion."""
    from consult.core import records

    monkeypatch.setitem(records.builders, "council_session", lambda session: record(id=session.id))
    from consult.core.signals import council_session_closed
    from consult.outcomes.models import Outcome

    council_session_closed.send(SimpleNamespace(id=42, council_id=COUNCIL), actor=None)
    minutes = services.original_for("council_session", 42)
    assert minutes is not None and minutes.council_id == COUNCIL and minutes.status == "draft"
    outcomes = _db.session.scalars(_db.select(Outcome).order_by(Outcome.id)).all()
    assert [o.title for o in outcomes] == ["Ask the mayor to issue local resident cards in 2027.",
                                           "Celebrate 18 December at the municipal council."]
    assert all(o.minutes_id == minutes.id for o in outcomes)


# --- revisions and diff ----------------------------------------------------------------------------------


def test_every_save_is_a_revision_and_two_can_be_compared(client, officers):
    minutes = make_minutes()
    client.sign_in("secretary")
    original = minutes.body
    edited = original.replace("The registrar explained the pilot.",
                              "The registrar explained the pilot in detail.")
    response = client.post_form(f"/minutes/{minutes.id}/edit",
                                {"body": edited, "note": "details", "save": "1"})
    assert response.status_code == 303
    response = client.post_form(f"/minutes/{minutes.id}/edit",
                                {"body": edited + "\nA closing line.\n", "save": "1"})
    assert response.status_code == 303
    db_minutes = _db.session.get(Minutes, minutes.id)
    assert db_minutes.revision_count == 3
    revisions = db_minutes.revisions
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[1].author_id == officers.secretary.id and revisions[1].note == "details"

    page = client.get(f"/minutes/{minutes.id}/revisions")
    assert page.status_code == 200 and "Mariam" in text_of(page)
    diff = client.get(f"/minutes/{minutes.id}/diff?from=1&to=3")
    html = diff.get_data(as_text=True)
    assert diff.status_code == 200
    assert "<del>" in html and "<ins>" in html and "in detail." in html and "A closing line." in html
    assert "Removed:" in html and "Added:" in html  # spoken by screen readers
    assert client.get(f"/minutes/{minutes.id}/diff?from=x&to=3").status_code == 400
    assert client.get(f"/minutes/{minutes.id}/diff?from=1&to=99").status_code == 404


def test_unchanged_text_is_not_a_new_revision(db, officers):
    minutes = make_minutes()
    with pytest.raises(DomainError):
        services.save_revision(minutes, minutes.body, author=officers.secretary)


def test_preview_without_javascript_and_with_htmx_saves_nothing(client, officers):
    minutes = make_minutes()
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/edit",
                                {"body": "**bold** <script>alert(1)</script>", "preview": "Preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html and "<script>alert(1)" not in html
    fragment = client.post_form(f"/minutes/{minutes.id}/preview", {"body": "*it*"}, htmx=True)
    assert fragment.status_code == 200
    assert "<em>it</em>" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert count(MinutesRevision) == 1


def test_empty_text_is_refused_with_422(client, officers):
    minutes = make_minutes()
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/edit", {"body": "   ", "save": "1"})
    assert response.status_code == 422
    assert count(MinutesRevision) == 1


# --- workflow and permissions ----------------------------------------------------------------------------


def test_workflow_secretary_submits_president_approves_then_public(client, officers):
    minutes = make_minutes()
    assert client.get(f"/minutes/{minutes.id}").status_code == 303  # visitors: sign in first

    client.sign_in("member")
    assert client.get(f"/minutes/{minutes.id}").status_code == 403
    assert client.post_form(f"/minutes/{minutes.id}/submit").status_code == 403
    client.sign_out()

    client.sign_in("secretary")
    assert client.post_form(f"/minutes/{minutes.id}/submit").status_code == 303
    assert client.post_form(f"/minutes/{minutes.id}/approve").status_code == 403  # not the president
    client.sign_out()

    client.sign_in("president")
    assert client.post_form(f"/minutes/{minutes.id}/approve").status_code == 303
    assert client.post_form(f"/minutes/{minutes.id}/publish").status_code == 303
    client.sign_out()

    _db.session.refresh(minutes)
    assert minutes.status == "published" and minutes.approved_by_id == officers.president.id
    page = client.get(f"/minutes/{minutes.id}")
    assert page.status_code == 200 and "Approved by Adama" in text_of(page)
    assert "Ordinary session" in text_of(client.get("/minutes/"))


def test_admin_can_always_act(client, officers, make_user):
    make_user("root", roles=("admin",))
    minutes = make_minutes()
    client.sign_in("root")
    assert client.post_form(f"/minutes/{minutes.id}/submit").status_code == 303
    assert client.post_form(f"/minutes/{minutes.id}/approve").status_code == 303


def test_approval_by_motion_needs_the_motion(client, officers):
    minutes = make_minutes(mode="motion")
    services.submit(minutes, actor=officers.secretary)
    _db.session.commit()
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/approve", {"reference": ""})
    assert response.status_code == 422 and "Say which adopted motion" in text_of(response)
    response = client.post_form(f"/minutes/{minutes.id}/approve", {"reference": "Motion 1 of 9 April"})
    assert response.status_code == 303
    _db.session.refresh(minutes)
    assert minutes.status == "approved" and minutes.approval_reference == "Motion 1 of 9 April"


def test_motion_decided_signal_approves_named_minutes(db, officers):
    from consult.core.signals import motion_decided

    minutes = make_minutes(mode="motion")
    services.submit(minutes, actor=officers.secretary)
    motion_decided.send(SimpleNamespace(approves_minutes_id=minutes.id, text="Approve the minutes"),
                        verdict="adopted")
    assert minutes.status == "approved" and "Approve the minutes" in minutes.approval_reference


def test_steps_out_of_order_are_refused(db, officers):
    minutes = make_minutes()
    with pytest.raises(Conflict):
        services.approve(minutes, actor=officers.president)
    with pytest.raises(Conflict):
        services.publish(minutes, actor=officers.president)


# --- immutability, corrections, translations -------------------------------------------------------------


def test_published_minutes_cannot_change(client, officers):
    minutes = published_minutes(officers)
    body = minutes.body
    with pytest.raises(Conflict):
        services.save_revision(minutes, body + "x", author=officers.secretary)
    _db.session.rollback()
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/edit", {"body": "changed", "save": "1"})
    assert response.status_code == 403
    # even a service that forgot the rule cannot write it
    minutes = _db.session.get(Minutes, minutes.id)
    minutes.body = "tampered"
    with pytest.raises(Conflict):
        _db.session.flush()
    _db.session.rollback()
    assert _db.session.get(Minutes, minutes.id).body == body


def test_the_flush_guard_builds_its_error_only_when_it_refuses(db, officers, monkeypatch):
    """The guard runs on every flush of the app: it must not make (and translate) an error each time."""
    import consult.core.errors

    built = []

    class Counted(Conflict):
        def __init__(self, *args, **kwargs):
            built.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(consult.core.errors, "Conflict", Counted)
    minutes = published_minutes(officers)
    officers.member.display_name = "Chen Li"
    _db.session.flush()
    assert built == []
    minutes.body = "tampered"
    with pytest.raises(Conflict):
        _db.session.flush()
    assert len(built) == 1
    _db.session.rollback()


def test_correction_is_a_new_approved_document_visibly_linked(client, officers):
    minutes = published_minutes(officers)
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/correct")
    assert response.status_code == 303
    correction = _db.session.scalar(_db.select(Minutes).where(Minutes.corrects_id == minutes.id))
    assert (correction.kind == "correction" and correction.status == "draft" and correction.body
            == minutes.body)
    services.save_revision(correction, correction.body.replace("Rahim", "Rahim Benali"),
                           author=officers.secretary)
    services.submit(correction, actor=officers.secretary)
    services.approve(correction, actor=officers.president)
    services.publish(correction, actor=officers.secretary)
    _db.session.commit()
    client.sign_out()
    page = text_of(client.get(f"/minutes/{minutes.id}"))
    assert "Corrected on" in page and "Read the corrected minutes" in page
    assert "Rahim Benali" not in page  # the original is unchanged
    assert "This document corrects earlier minutes." in text_of(client.get(f"/minutes/{correction.id}"))


def test_translation_is_marked_as_a_translation(client, officers, app):
    minutes = published_minutes(officers)
    translation = services.start_translation(minutes, "fr", actor=officers.secretary,
                                             languages=app.config["LANGUAGES"])
    services.submit(translation, actor=officers.secretary)
    services.approve(translation, actor=officers.president)
    services.publish(translation, actor=officers.secretary)
    _db.session.commit()
    page = text_of(client.get(f"/minutes/{translation.id}"))
    assert "This is a translation into" in page and "Read the original" in page
    # the original lists its published translations (a draft one is not listed)
    draft = services.start_translation(minutes, "it", actor=officers.secretary,
                                       languages=app.config["LANGUAGES"])
    _db.session.commit()
    original = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "Also available in:" in original and f'href="/minutes/{translation.id}"' in original
    assert f'href="/minutes/{draft.id}"' not in original
    # no other translation
    assert "Also available in:" not in text_of(client.get(f"/minutes/{translation.id}"))
    with pytest.raises(DomainError):
        services.start_translation(minutes, "en", actor=officers.secretary, languages=app.config["LANGUAGES"])


# --- exports and feed ------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_opens_and_contains_the_text(client, officers):
    minutes = published_minutes(officers)
    response = client.get(f"/minutes/{minutes.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Resident cards" in text and "Celebrate 18 December" in text and "Oksana" in text


ARABIC_TITLE = "الجلسة العادية"
ARABIC_NOTE = "ناقش المجلس بطاقات الإقامة"


def test_arabic_minutes_are_right_to_left_in_the_pdf(client, officers, app):
    minutes = published_minutes(officers, language="ar", title=ARABIC_TITLE,
                                items=[dict(record()["items"][1], notes=ARABIC_NOTE)])
    from consult.minutes import export

    with app.test_request_context():
        html = export.document_html(_db.session.get(Minutes, minutes.id))
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    data = client.get(f"/minutes/{minutes.id}.pdf").get_data()
    text = _pdf_text(data)
    assert data.startswith(b"%PDF")
    # pypdf returns Arabic in visual or logical order depending on the font; compare without direction
    words = ARABIC_NOTE.split()
    assert any(w in text or w[::-1] in text for w in words)
    page = client.get(f"/minutes/{minutes.id}")
    assert 'dir="rtl"' in page.get_data(as_text=True)


def test_pdf_renderer_never_fetches_remote_urls(app):
    from consult.minutes.export import local_url_fetcher

    with app.app_context():
        static = app.static_folder
        fetcher = local_url_fetcher(static)
        fetch = getattr(fetcher, "fetch", fetcher)
        for url in ("http://example.org/x.css", "https://example.org/font.woff", "file:///etc/passwd"):
            with pytest.raises(ValueError):
                fetch(url)


def test_markdown_and_json_exports(client, officers):
    minutes = published_minutes(officers)
    md = client.get(f"/minutes/{minutes.id}.md")
    assert md.status_code == 200 and md.get_data(as_text=True).startswith("# Minutes: Ordinary session")
    data = client.get(f"/minutes/{minutes.id}.json").get_json()
    assert data["record"]["items"][0]["motions"][0]["yes"] == 11
    assert data["status"] == "published" and "Resident cards" in data["text_markdown"]


def test_unpublished_exports_are_not_public(client, officers):
    minutes = make_minutes()
    for suffix in (".pdf", ".md", ".json", "/print"):
        assert client.get(f"/minutes/{minutes.id}{suffix}").status_code == 303


def test_feed_lists_published_minutes(client, officers):
    import feedparser

    published_minutes(officers)
    make_minutes(id=99, title="Draft session")
    feed = feedparser.parse(client.get("/minutes/feed.atom").get_data())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Minutes: Ordinary session, March 12, 2026"]


def test_list_page_and_htmx_fragment(client, officers):
    published_minutes(officers)
    page = client.get("/minutes/")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    fragment = client.get("/minutes/", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and "Ordinary session" in html


def test_ids_beyond_the_database_range_are_not_found(client):
    assert client.get("/minutes/99999999999999").status_code == 404
    assert client.get("/outcomes/99999999999999").status_code == 404


def test_officers_choose_the_approval_rule_before_approval(client, officers):
    minutes = make_minutes()
    client.sign_in("member")
    assert client.post_form(f"/minutes/{minutes.id}/approval-mode", {"mode": "motion"}).status_code == 403
    client.sign_out()
    client.sign_in("president")
    assert client.post_form(f"/minutes/{minutes.id}/approval-mode", {"mode": "lottery"}).status_code == 422
    assert client.post_form(f"/minutes/{minutes.id}/approval-mode", {"mode": "motion"}).status_code == 303
    _db.session.refresh(minutes)
    assert minutes.approval_mode == "motion"
    services.submit(minutes, actor=officers.secretary)
    services.approve(minutes, actor=officers.president, reference="Motion 4")
    _db.session.commit()
    assert client.post_form(f"/minutes/{minutes.id}/approval-mode", {"mode": "president"}).status_code == 403


def test_pdf_document_is_written_in_the_minutes_language(client, officers, app):
    from consult.minutes import export

    minutes = published_minutes(officers, language="fr")
    with app.test_request_context():
        html = export.document_html(_db.session.get(Minutes, minutes.id))
    assert 'lang="fr"' in html and 'dir="ltr"' in html


def test_a_translator_writes_a_translation_the_president_approves(client, officers, make_user):
    make_user("lucia", roles=("translator",))
    minutes = published_minutes(officers)
    client.sign_in("lucia")
    response = client.post_form(f"/minutes/{minutes.id}/translate", {"language": "es"})
    assert response.status_code == 303
    translation = _db.session.scalar(_db.select(Minutes).where(Minutes.translation_of_id == minutes.id))
    assert translation.language == "es" and translation.kind == "translation"
    assert client.post_form(f"/minutes/{translation.id}/edit",
                            {"body": "# Acta\n\nTexto.", "save": "1"}).status_code == 303
    assert client.post_form(f"/minutes/{translation.id}/submit").status_code == 303
    assert client.post_form(f"/minutes/{translation.id}/approve").status_code == 403
    assert client.post_form(f"/minutes/{minutes.id}/edit", {"body": "x", "save": "1"}).status_code == 403


def test_a_stale_edit_is_refused_and_the_text_kept(client, officers):
    minutes = make_minutes()
    services.save_revision(minutes, minutes.body + "\nOther editor.\n", author=officers.president)
    _db.session.commit()
    client.sign_in("secretary")
    response = client.post_form(f"/minutes/{minutes.id}/edit",
                                {"body": "My long careful text", "base": "1", "save": "1"})
    assert response.status_code == 422
    assert "newer revision" in text_of(response) and "My long careful text" in response.get_data(as_text=True)
    assert 'name="base" type="hidden" value="2"' in response.get_data(as_text=True)
    assert client.post_form(f"/minutes/{minutes.id}/edit",
                            {"body": "My long careful text", "base": "2", "save": "1"}).status_code == 303


def test_a_failing_draft_never_stops_the_session_from_closing(db, monkeypatch):
    from consult.core import records

    def broken(session):
        raise RuntimeError("record could not be built")

    monkeypatch.setitem(records.builders, "council_session", broken)
    from consult.core.signals import council_session_closed

    council_session_closed.send(SimpleNamespace(id=43, council_id=COUNCIL), actor=None)  # no exception
    assert services.original_for("council_session", 43) is None


def test_speakers_listed_without_a_clock_get_no_speaking_time(app):
    from consult.minutes.drafting import draft_markdown

    data = record(speakers=[{"name": "Fatou", "role": "member", "speeches": 2, "seconds": 0},
                            {"name": "Chen", "role": "member", "speeches": 1, "seconds": 75}])
    with app.test_request_context():
        body = draft_markdown(data)
    assert "Fatou (member): 2 speeches\n" in body
    assert "Chen (member): 1 speech, speaking time 1 min 15 s" in body
