"""Uploaded files follow their transaction: written then rolled back → gone; removed then rolled back →
kept."""

from __future__ import annotations

import pytest

from consult.core import uploads
from consult.core.errors import DomainError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _store(area="tests"):
    stored = uploads.store(PNG, "photo.png", area=area, max_bytes=10_000, field="file")
    return uploads.folder(area) / stored.stored_name


def test_a_file_written_in_a_rolled_back_transaction_is_deleted(app, db):
    path = _store()
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_a_file_written_in_a_committed_transaction_stays(app, db):
    path = _store()
    db.session.commit()
    db.session.rollback()  # a later, unrelated rollback does not touch it
    assert path.exists()


def test_a_removal_waits_for_the_commit(app, db):
    path = _store()
    db.session.commit()
    uploads.remove("tests", path.name)
    assert path.exists()  # not yet: the transaction may still fail
    db.session.rollback()
    assert path.exists()  # it failed: the document is still there
    uploads.remove("tests", path.name)
    db.session.commit()
    assert not path.exists()


def test_names_not_made_by_store_are_never_removed(app, db):
    outside = uploads.folder("tests") / "keep.txt"
    outside.write_text("x")
    uploads.remove("tests", "../keep.txt")
    uploads.remove("tests", "keep.txt")
    db.session.commit()
    assert outside.exists()


def test_a_refused_file_is_not_written(app, db):
    before = set(uploads.folder("tests").iterdir())
    with pytest.raises(DomainError):
        uploads.store(b"not an image", "x.png", area="tests", max_bytes=10_000, field="file")
    assert set(uploads.folder("tests").iterdir()) == before
