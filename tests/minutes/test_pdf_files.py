"""The PDF of minutes is made once per version of the document and kept in the instance folder; publishing
queues its rendering ahead of the readers (``consult.minutes.pdf_files``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from consult.core import tasks
from consult.extensions import db as _db
from consult.minutes import export, pdf_files, services
from tests.minutes.test_minutes import make_minutes, officers, published_minutes  # noqa: F401


@pytest.fixture
def renderings(app, monkeypatch, tmp_path):
    """Counts the WeasyPrint renderings; the PDF files go to a folder of the test's own."""
    made = []
    real = export.pdf_from_html

    def counting(html):
        made.append(html)
        return real(html)

    monkeypatch.setattr(export, "pdf_from_html", counting)
    monkeypatch.setattr(pdf_files, "_folder", lambda: Path(tmp_path) / "minutes")
    return made


def _files(tmp_path) -> list[str]:
    return sorted(p.name for p in (Path(tmp_path) / "minutes").glob("*.pdf"))


def test_the_pdf_is_rendered_once_and_served_from_its_file(client, officers, renderings, tmp_path):
    minutes = published_minutes(officers)
    first = client.get(f"/minutes/{minutes.id}.pdf")
    second = client.get(f"/minutes/{minutes.id}.pdf")
    assert first.status_code == second.status_code == 200 and first.mimetype == "application/pdf"
    assert first.get_data() == second.get_data() and first.get_data().startswith(b"%PDF")
    assert len(renderings) == 1
    [name] = _files(tmp_path)
    assert name.startswith(f"{minutes.id}-")


def test_a_correction_makes_a_new_file_and_the_old_one_goes(client, officers, renderings, tmp_path):
    minutes = published_minutes(officers)
    client.get(f"/minutes/{minutes.id}.pdf")
    [old] = _files(tmp_path)
    correction = services.start_correction(minutes, actor=officers.secretary)
    services.save_revision(correction, minutes.body + "\n\nA name was misspelt.", author=officers.secretary)
    services.submit(correction, actor=officers.secretary)
    services.approve(correction, actor=officers.president)
    services.publish(correction, actor=officers.secretary)
    _db.session.commit()
    page = client.get(f"/minutes/{minutes.id}.pdf")  # the original now names its correction
    assert page.status_code == 200 and len(renderings) == 2
    [new] = _files(tmp_path)
    assert new != old and new.startswith(f"{minutes.id}-")


def test_the_task_renders_ahead_and_the_reader_waits_for_nothing(client, app, officers, renderings, tmp_path):
    minutes = published_minutes(officers)
    pdf_files.render_pdf(minutes.id)  # what the consumer runs
    assert len(renderings) == 1 and len(_files(tmp_path)) == 1
    assert client.get(f"/minutes/{minutes.id}.pdf").get_data().startswith(b"%PDF")
    assert len(renderings) == 1


def test_publishing_queues_the_rendering_for_a_few_seconds_later(client, app, officers, renderings):
    minutes = make_minutes()
    services.submit(minutes, actor=officers.secretary)
    services.approve(minutes, actor=officers.president)
    _db.session.commit()
    huey = tasks.queue(app)
    huey.flush()
    client.sign_in("secretary")
    assert client.post_form(f"/minutes/{minutes.id}/publish").status_code == 303
    try:
        [task] = huey.scheduled()  # the immediate queue keeps a delayed task instead of running it
        assert task.args == (minutes.id,) and task.name == "minutes.render_pdf"
    finally:
        huey.flush()
    assert renderings == []


def test_the_task_leaves_minutes_that_are_not_published(app, db, renderings, tmp_path):
    minutes = make_minutes()
    pdf_files.render_pdf(minutes.id)
    pdf_files.render_pdf(987654)
    assert renderings == [] and _files(tmp_path) == []
