"""The resident register: normalisation, import summary, re-import, bad files, and no plaintext anywhere."""

from __future__ import annotations

import logging
import os
from datetime import date

import pytest
import sqlalchemy as sa

from consult.core.audit import AuditEntry
from consult.core.errors import DomainError
from consult.residency.hashing import (
    InvalidFact,
    digest_of,
    normalise_number,
    normalise_type,
    parse_birth_date,
)
from consult.residency.models import District, RegisterEntry, ResidentStatus
from consult.residency.register import import_register
from tests.conftest import database_backend
from tests.helpers import count, text_of

HEADER = "document_type,document_number,birth_date,district\n"
NUMBERS = ["YA4417732", "PX99120077", "RC2200318", "ZZ7000123"]


def register_csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


@pytest.fixture
def districts(db):
    rows = [District(code="centro", name="Centro Storico"), District(code="porto", name="Porto")]
    db.session.add_all(rows)
    db.session.commit()
    return {d.code: d for d in rows}


# -- normalisation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("passport", "passport"), ("Passport ", "passport"), ("RESIDENCE PERMIT", "residence_permit"),
    ("residence-permit", "residence_permit"), ("national_id", "national_id"), ("ID card", "national_id"),
    ("Asylum-seeker document", "asylum_document"), ("local resident card", "resident_card"),
    ("other", "other"),
])
def test_document_types_are_normalised(app, raw, expected):
    assert normalise_type(raw) == expected


def test_unknown_document_type_is_refused_with_the_accepted_list(app):
    with app.test_request_context(), pytest.raises(InvalidFact) as err:
        normalise_type("library card")
    assert "residence_permit" in str(err.value.message)


@pytest.mark.parametrize("raw", ["ab 123-456", "AB123456", " ab.123/456 ", "Ab-123 456"])
def test_number_case_spaces_and_dashes_do_not_matter(app, raw):
    assert normalise_number(raw) == "AB123456"


@pytest.mark.parametrize("raw,expected",
                         [("1990-03-25", date(1990, 3, 25)), ("25/03/1990", date(1990, 3, 25)),
                          ("5/3/1990", date(1990, 3, 5)), ("1990-3-5", date(1990, 3, 5))])
def test_accepted_date_formats(app, raw, expected):
    assert parse_birth_date(raw) == expected


@pytest.mark.parametrize("raw", ["03/25/90", "25.03.1990", "March 25, 1990", "1990-02-30", "2999-01-01", ""])
def test_other_date_formats_are_refused_saying_which_are_accepted(app, raw):
    with app.test_request_context(), pytest.raises(InvalidFact) as err:
        parse_birth_date(raw)
    assert err.value.field == "birth_date"


def test_digest_is_hmac_of_normalised_facts_and_depends_on_the_key(app, db):
    a = digest_of("Passport", "ab 123-456", "25/03/1990")
    assert a == digest_of("passport", "AB123456", "1990-03-25") and len(a) == 32
    assert a != digest_of("national_id", "AB123456", "1990-03-25")
    old = app.config["RESIDENCE_HMAC_KEY"]
    app.config["RESIDENCE_HMAC_KEY"] = "another key"
    try:
        assert digest_of("passport", "AB123456", "1990-03-25") != a
    finally:
        app.config["RESIDENCE_HMAC_KEY"] = old


# -- import --------------------------------------------------------------------------------------------------


def test_import_summary_added_rejected_with_line_numbers(db, districts):
    data = register_csv(
        f"passport,{NUMBERS[0]},1990-03-25,centro",
        f"residence permit,{NUMBERS[1]},25/03/1985,",
        "",
        f"passport,{NUMBERS[2]},1990-25-03,porto",  # impossible date
        f"passport,{NUMBERS[0].lower()},25/03/1990,centro",  # the same document as line 2
        f"spaceship licence,{NUMBERS[3]},1990-03-25,",
        f"passport,{NUMBERS[3]},1990-03-25,atlantis",
        "passport,only-two-columns",
    )
    summary = import_register(data)
    assert (summary.added, summary.updated, summary.unchanged, summary.rejected_count) == (2, 0, 0, 5)
    lines = dict(summary.rejected)
    assert set(lines) == {5, 6, 7, 8, 9}
    assert "line 2" in lines[6]
    assert "district" in lines[8]
    assert "columns" in lines[9]
    for reason in lines.values():
        assert not any(n in reason or n.lower() in reason for n in NUMBERS)
    entries = db.session.scalars(sa.select(RegisterEntry).order_by(RegisterEntry.id)).all()
    assert [e.birth_year for e in entries] == [1990, 1985]
    assert entries[0].district_id == districts["centro"].id and entries[1].district_id is None


def test_reimport_is_idempotent_and_updates_changes(db, districts):
    rows = [f"passport,{NUMBERS[0]},1990-03-25,centro", f"passport,{NUMBERS[1]},1991-01-01,"]
    import_register(register_csv(*rows))
    db.session.commit()
    again = import_register(register_csv(*rows))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    moved = import_register(register_csv(f"passport,{NUMBERS[0]},1990-03-25,porto", rows[1]))
    assert (moved.added, moved.updated, moved.unchanged) == (0, 1, 1)
    assert count(RegisterEntry) == 2


def test_missing_entries_can_be_marked_left_which_ends_their_verification(db, districts, make_user):
    from consult.residency import services

    import_register(register_csv(f"passport,{NUMBERS[0]},1990-03-25,", f"passport,{NUMBERS[1]},1991-01-01,"))
    person = make_user(verified=False)
    services.verify_with_register(person, "passport", NUMBERS[1], "1991-01-01")
    db.session.commit()
    summary = import_register(register_csv(f"passport,{NUMBERS[0]},1990-03-25,"), mark_missing_left=True,
                              left_on=date(2026, 1, 31))
    assert summary.left == 1 and summary.unchanged == 1
    left = db.session.scalar(sa.select(RegisterEntry).where(RegisterEntry.left_at.is_not(None)))
    assert left.left_at.date() == date(2026, 1, 31)
    status = db.session.get(ResidentStatus, person.id)
    db.session.refresh(status)
    assert status.expires_at.date() == date(2026, 1, 31) and not status.is_current()
    # coming back to the register counts as an update and clears the date
    back = import_register(register_csv(f"passport,{NUMBERS[0]},1990-03-25,",
                                        f"passport,{NUMBERS[1]},1991-01-01,"))
    assert back.updated == 1
    assert count(RegisterEntry, RegisterEntry.left_at.is_not(None)) == 0


def test_header_aliases_and_semicolons(db):
    data = b"Document type;Document number;Birth date\nPassport;AB-12345;01/02/2000\n"
    assert import_register(data).added == 1


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"\n\n\n", "empty"),
    (b"name,surname,nationality\nA,B,C\n", "must name the columns"),
    ("document_type,document_number,birth_date\npassport,AB12345,25/03/1990\n".encode("utf-16"), "not a CSV"),
    ("document_type,document_number,birth_date\npassport,ÄB12345,25/03/1990\n".encode("latin-1"), "UTF-8"),
    (b"document_type,document_number,birth_date\npassport,\"AB12345,25/03/1990\n", "could not be read"),
    (os.urandom(10 * 1024 * 1024), None),
    (b"x" * (10 * 1024 * 1024), "must name the columns"),
])
def test_bad_files_are_refused_as_a_whole_and_nothing_is_saved(db, data, message):
    with pytest.raises(DomainError) as err:
        import_register(data)
    if message:
        assert message in str(err.value.message)
    db.session.rollback()
    assert count(RegisterEntry) == 0


def test_junk_lines_are_rejected_not_crashing(db):
    junk = "\n".join(["%%%,@@@,!!!", ",,,", "a,b", "passport,,", ",12345,1990-01-01"] * 1000)
    summary = import_register(register_csv(junk, header="document_type,document_number,birth_date\n"))
    assert summary.added == 0 and summary.rejected_count == 4000  # ",,," lines are empty: skipped
    assert len(summary.rejected) == 200


def test_import_is_audited_without_documents(db):
    import_register(register_csv(f"passport,{NUMBERS[0]},1990-03-25,"), by=None)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "residency.register_imported"))
    assert entry.details["added"] == 1
    assert NUMBERS[0] not in str(entry.details)


def _database_bytes(db) -> bytes:
    path = db.engine.url.database
    db.session.commit()
    db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
    data = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(path + suffix):
            with open(path + suffix, "rb") as fh:
                data += fh.read()
    return data


@pytest.mark.committed_db  # reads what was written to the file
@pytest.mark.skipif(database_backend() != "sqlite", reason="reads the SQLite file")
def test_no_plaintext_number_in_database_file_or_logs(db, districts, make_user, client, caplog):

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # even SQL statement logs, with parameters
    rows = [f"passport,{n},1990-03-25,centro" for n in NUMBERS] + [f"passport,{NUMBERS[0]}-X!,1990-03-25,"]
    import_register(register_csv(*rows))
    db.session.commit()
    person = make_user("amina")
    client.sign_in("amina")
    client.post_form("/verify/register", {"document_type": "passport", "document_number": NUMBERS[1],
                                          "birth_date": "1990-03-25"})
    client.post_form("/verify/register", {"document_type": "passport", "document_number": "NOPE12345",
                                          "birth_date": "1990-03-25"})
    db.session.refresh(person)
    assert person.resident_status is not None
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    raw = _database_bytes(db)
    for number in NUMBERS + ["NOPE12345"]:
        assert number.encode() not in raw and number.lower().encode() not in raw
        assert number not in caplog.text and number.lower() not in caplog.text
    assert "register_entry" in caplog.text and "resident_status" in caplog.text  # SQL logs were captured


# -- CLI and upload form -------------------------------------------------------------------------------------


def test_cli_import_with_summary(app, db, runner, tmp_path, districts):
    path = tmp_path / "register.csv"
    path.write_bytes(register_csv(f"passport,{NUMBERS[0]},1990-03-25,centro", f"passport,{NUMBERS[1]},bad,"))
    result = runner.invoke(args=["residents", "import-register", str(path)])
    assert result.exit_code == 0, result.output
    assert "Added: 1" in result.output and "Rejected: 1" in result.output and "line 3" in result.output
    assert "Importing the register" in result.output  # the progress bar
    assert NUMBERS[1] not in result.output
    db.session.rollback()
    assert count(RegisterEntry) == 1


def test_cli_refuses_bad_file_with_message(app, db, runner, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes("document_type,document_number,birth_date\npassport,É1,1990-01-01\n".encode("latin-1"))
    result = runner.invoke(args=["residents", "import-register", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_registrar_upload_form_shows_summary(client, make_user, db, districts):
    make_user("giulia", roles=("registrar",))
    client.sign_in("giulia")
    from io import BytesIO

    data = register_csv(f"passport,{NUMBERS[0]},1990-03-25,centro", f"passport,{NUMBERS[1]},1990-13-01,")
    response = client.post_form("/registrar/register", {"file": (BytesIO(data), "register.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 200
    text = text_of(response)
    assert "1 entry added" in text and "1 line rejected" in text and NUMBERS[1] not in text
    assert count(RegisterEntry) == 1


def test_registrar_upload_bad_file_is_422_and_saves_nothing(client, make_user, db):
    make_user("giulia", roles=("registrar",))
    client.sign_in("giulia")
    from io import BytesIO

    response = client.post_form("/registrar/register",
                                {"file": (BytesIO(os.urandom(10 * 1024 * 1024)), "junk.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert "UTF-8" in text_of(response) or "not a CSV" in text_of(response)
    assert count(RegisterEntry) == 0
    assert client.post_form("/registrar/register", {}).status_code == 422


def test_upload_over_the_size_limit_is_a_413_page(client, make_user, db):
    make_user("giulia", roles=("registrar",))
    client.sign_in("giulia")
    from io import BytesIO

    response = client.post_form("/registrar/register",
                                {"file": (BytesIO(b"x" * (13 * 1024 * 1024)), "big.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 413 and "too large" in text_of(response)
    assert count(RegisterEntry) == 0


def test_upload_is_for_registrars_only(client, make_user):
    make_user("amina")
    client.sign_in("amina")
    assert client.get("/registrar/register").status_code == 403


@pytest.mark.parametrize("key", [b"", b"short", b"k" * 64, b"x" * 200])
def test_fast_hmac_equals_the_standard_one(key):
    import hashlib
    import hmac

    from consult.residency.hashing import Hmac256

    for message in (b"", b"passport|AB123456|1990-03-25", b"x" * 1000):
        assert Hmac256(key)(message) == hmac.new(key, message, hashlib.sha256).digest()
