"""No CSV cell the platform writes can start a spreadsheet formula (one writer:
``consult.core.csv_export``)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

import consult
from consult.core.csv_export import safe_cell, write_csv
from consult.votes import services as votes

FORMULAS = ['=HYPERLINK("http://x")', "+SUM(1)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def _cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]


def _is_formula(cell: str) -> bool:
    return cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


@pytest.fixture
def closed_poll(db, make_user):
    admin = make_user("staff", roles=("admin",))
    poll = votes.create_poll(question="Which name for the new square?", method="single", options=FORMULAS,
                             created_by=admin)
    votes.open_poll(poll, by=admin)
    votes.record_paper_tally(poll, channel="@Town hall", counts={str(poll.options[0].id): 2}, by=admin)
    votes.close_poll(poll, by=admin)
    db.session.commit()
    return poll


def test_poll_results_csv_neutralises_option_labels(client, closed_poll):
    response = client.get(f"/polls/{closed_poll.id}/results.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    cells = _cells(response)
    assert not [cell for cell in cells if _is_formula(cell)]
    for label in FORMULAS:
        assert "'" + label in cells  # still readable, as text
    assert "'@Town hall" in cells  # a channel's name is someone's text too


def test_counted_ballots_csv_goes_through_the_writer(client, closed_poll):
    response = client.get(f"/polls/{closed_poll.id}/trackers.csv")
    assert response.get_data(as_text=True).startswith("fingerprint\r\n")


def test_api_csv_neutralises_titles(client, db):
    from consult.outcomes import services as outcomes

    outcomes.create_outcome('=HYPERLINK("http://x")', council_id=None)
    outcomes.create_outcome("+SUM(1)", council_id=None)
    db.session.commit()
    cells = _cells(client.get("/api/v1/outcomes.csv"))
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+SUM(1)" in cells
    assert not [cell for cell in cells if _is_formula(cell)]


@pytest.mark.parametrize("value,cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("  =1", "'  =1"), ("plain", "plain"), ("a=b", "a=b"), (None, ""), (-3, -3), (2.5, 2.5), (0, 0),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_write_csv_ends_lines_with_crlf():
    assert write_csv([["a", "=b"], [1, None]]) == "a,'=b\r\n1,\r\n"


def test_the_application_has_one_csv_writer():
    root = Path(consult.__file__).parent
    writers = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert writers == ["core/csv_export.py"]
