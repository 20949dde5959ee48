"""Importing the municipality's resident register (CSV) as one-way fingerprints.

Rules kept here:

* The file is UTF-8 text (a byte-order mark is fine), comma- or semicolon-separated, with a first line naming
the
  columns ``document_type, document_number, birth_date`` and optionally ``district``. Anything else is refused
  as a whole, with a message saying what was expected, and nothing is saved.
* Each row is normalised and only its HMAC is kept, with the birth year and the district. Bad rows are
rejected
  with their line number and the reason — never the number itself. Empty lines are skipped.
* Re-importing the same register changes nothing; entries that reappear are counted as updated; entries
missing
  from the file can be marked as *left* (with a date), which also ends the verification of an account that
  entry verified, on that date.
* The whole import is one transaction: the caller commits (the request, or the CLI command).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.hashing import (
    DROP_SEPARATORS,
    InvalidFact,
    hasher,
    normalise_number,
    normalise_type,
    parse_birth_date,
)
from consult.residency.models import District, RegisterEntry, ResidentStatus

COLUMNS = ("document_type", "document_number", "birth_date")
OPTIONAL = ("district",)
HEADER_ALIASES = {
    "document type": "document_type", "type": "document_type",
    "document number": "document_number", "number": "document_number",
    "birth date": "birth_date", "date of birth": "birth_date", "birthdate": "birth_date",
    "district": "district",
}
#: rejected rows listed one by one in the summary (all are counted)
MAX_LISTED = 200
BATCH = 5000


@dataclass
class ImportSummary:
    """What an import did. ``rejected`` lists ``(line number, reason)``; reasons never echo a number."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    rejected_count: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def reject(self, line: int, reason) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append((line, str(reason)))

    def as_dict(self) -> dict:
        return {"rows": self.rows, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "left": self.left, "rejected": self.rejected_count}


def _file_error(message) -> DomainError:
    return DomainError(message, field="file")


def _decode(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise _file_error(_l("This file is not a CSV text file. Export the register as CSV (UTF-8) and try "
                             "again."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(_l("This file is not in the UTF-8 encoding. In your spreadsheet, save it as "
                             "\u201cCSV UTF-8\u201d and try again.")) from None


def _header_key(cell: str) -> str:
    text = " ".join(cell.strip().lower().replace("_", " ").replace("-", " ").split())
    return HEADER_ALIASES.get(text, text.replace(" ", "_"))


def _expected_columns_message():
    return _l("The first line must name the columns: document_type, document_number, birth_date and, if you "
              "have it, district (separated by commas or semicolons).")


def read_rows(data: bytes):
    """Decode and check the file; return ``(column positions, csv reader of the data lines, lines before
    them)``."""
    text = _decode(data)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise _file_error(_l("The file is empty."))
    header_line = lines[first]
    if len(header_line) > 1000:
        raise _file_error(_expected_columns_message())
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [_header_key(c) for c in next(csv.reader([header_line], delimiter=delimiter))]
    if any(col not in header for col in COLUMNS):
        raise _file_error(_expected_columns_message())
    positions = {name: header.index(name) for name in COLUMNS + OPTIONAL if name in header}

    reader = csv.reader(lines[first + 1 :], delimiter=delimiter, strict=True)
    return positions, reader, first + 1


def _date_key(text: str, today: date) -> tuple[int, str]:
    born = parse_birth_date(text, today)
    return born.year, born.isoformat()


def _or_error(fn, *args):
    try:
        return fn(*args)
    except InvalidFact as err:
        return err


class _Lines:
    """Turns the register's data lines into ``(digest, birth year, district id)``, or the reason a line is
    rejected. Registers repeat document types and birth dates: each distinct text is normalised once."""

    def __init__(self, positions: dict[str, int], districts: dict[str, int], today: date):
        self.i_type, self.i_number, self.i_birth = (positions[c] for c in COLUMNS)
        self.i_district = positions.get("district")
        self.width = max(positions.values()) + 1
        self.districts, self.today = districts, today
        self.types: dict[str, str | InvalidFact] = {}
        self.dates: dict[str, tuple[int, str] | InvalidFact] = {}
        base = hasher()
        self.inner, self.outer = base._inner, base._outer

    def read(self, cells: list[str]):
        if len(cells) < self.width:
            return _l("This line has %(found)s columns; %(expected)s are needed.", found=len(cells),
                      expected=self.width)
        raw_type, raw_date = cells[self.i_type], cells[self.i_birth]
        doc_type = self.types.get(raw_type)
        if doc_type is None:
            doc_type = self.types[raw_type] = _or_error(normalise_type, raw_type)
        born = self.dates.get(raw_date)
        if born is None:
            born = self.dates[raw_date] = _or_error(_date_key, raw_date, self.today)
        number = cells[self.i_number].translate(DROP_SEPARATORS).upper()
        if not (3 <= len(number) <= 40 and number.isascii() and number.isalnum()):
            number = _or_error(normalise_number, number)
        for value in (doc_type, born, number):
            if isinstance(value, InvalidFact):
                return value.message
        # HMAC-SHA256 with the key pads hashed once (see hashing.Hmac256), inlined for speed
        mac = self.inner.copy()
        mac.update(f"{doc_type}|{number}|{born[1]}".encode())
        digest = self.outer.copy()
        digest.update(mac.digest())
        district_id = None
        if self.i_district is not None and cells[self.i_district].strip():
            district_id = self.districts.get(cells[self.i_district].strip().lower())
            if district_id is None:
                return _l("The district is not one the platform knows. Leave it empty or use the code of a "
                          "district.")
        return digest.digest(), born[0], district_id


@dataclass
class _Scan:
    """What the file holds against the entries already stored."""

    seen: dict[bytes, int] = field(default_factory=dict)
    new_rows: list[tuple] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)


def _scan(reader, offset: int, lines: _Lines, existing: dict, summary: ImportSummary,
          progress: Callable[[int], None] | None) -> _Scan:
    scan = _Scan()
    rows = 0
    line = offset
    try:
        for cells in reader:
            line = offset + reader.line_num
            if progress and line % 1000 == 0:
                progress(1000)
            if not cells or not "".join(cells).strip():
                continue  # empty lines are skipped, not rejected
            rows += 1
            read = lines.read(cells)
            if not isinstance(read, tuple):
                summary.reject(line, read)
                continue
            digest, birth_year, district_id = read
            if digest in scan.seen:
                summary.reject(line, _l("The same document appears on line %(line)s already.",
                                        line=scan.seen[digest]))
                continue
            scan.seen[digest] = line
            old = existing.get(digest)
            if old is None:
                scan.new_rows.append((digest, birth_year, district_id))
            elif old[2] != birth_year or old[3] != district_id or old[4] is not None:
                scan.changed.append({"b_id": old[1], "b_birth_year": birth_year,
                                     "b_district_id": district_id})
            else:
                scan.unchanged_ids.append(old[1])
    except csv.Error:
        raise _file_error(_l("Line %(line)s could not be read as CSV (check its quotes). Nothing was "
                             "imported.", line=line + 1)) from None
    summary.rows = rows
    if progress:
        progress(line % 1000)
    return scan


def _write(connection, scan: _Scan) -> None:
    table = RegisterEntry.__table__
    if scan.new_rows:
        # the driver's own executemany: the bulk insert costs no more than a hand-written one
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO {table.name} (digest, birth_year, district_id) "
               f"VALUES ({marker}, {marker}, {marker})")
        for start in range(0, len(scan.new_rows), BATCH):
            connection.exec_driver_sql(sql, scan.new_rows[start : start + BATCH])
    if scan.changed:
        db.session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
                birth_year=sa.bindparam("b_birth_year"), district_id=sa.bindparam("b_district_id"),
                left_at=None),
            scan.changed,
            execution_options={"synchronize_session": False},
        )


def _mark_left(missing: list[int], left_at: datetime) -> None:
    """Entries missing from the file have left on ``left_at``; so ends the verification each of them gave."""
    table = RegisterEntry.__table__
    for start in range(0, len(missing), BATCH):
        ids = missing[start : start + BATCH]
        db.session.execute(sa.update(table).where(table.c.id.in_(ids)).values(left_at=left_at),
                           execution_options={"synchronize_session": False})
        db.session.execute(
            sa.update(ResidentStatus).where(
                ResidentStatus.register_entry_id.in_(ids),
                sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > left_at),
            ).values(expires_at=left_at),
            execution_options={"synchronize_session": False},
        )


def import_register(data: bytes, *, by=None, mark_missing_left: bool = False, left_on: date | None = None,
                    progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import a register file; see the module docstring for the rules. Flushes, never commits.

    ``progress(n)`` is called with the number of lines read since the last call (for a progress bar).
    """
    positions, reader, offset = read_rows(data)
    districts = {code.lower(): id_ for id_, code in db.session.execute(sa.select(District.id, District.code))}
    districts.update({name.lower(): id_
                      for id_, name in db.session.execute(sa.select(District.id, District.name))})
    connection = db.session.connection()
    existing = {
        bytes(row[0]): row
        for row in connection.exec_driver_sql(
            "SELECT digest, id, birth_year, district_id, left_at FROM register_entry"
        )
    }
    summary = ImportSummary()
    now = utcnow()
    scan = _scan(reader, offset, _Lines(positions, districts, now.date()), existing, summary, progress)
    _write(connection, scan)
    summary.added, summary.updated = len(scan.new_rows), len(scan.changed)
    summary.unchanged = len(scan.unchanged_ids)
    if mark_missing_left and existing:
        left_at = datetime.combine(left_on, datetime.min.time()) if left_on else now
        missing = [row[1] for d, row in existing.items() if d not in scan.seen and row[4] is None]
        _mark_left(missing, left_at)
        summary.left = len(missing)
    audit.record("residency.register_imported", actor=by, **summary.as_dict())
    db.session.flush()
    return summary
