"""The one CSV writer of the application: poll results, the list of counted ballots, the API's lists.

People open these files in a spreadsheet, and a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab
or a line break is taken there as a formula (``=HYPERLINK(...)`` sends data elsewhere, others run commands).
Text written by residents (a poll option, an outcome's title) can start that way, so every such cell gets a
leading apostrophe: spreadsheets show it as text. Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import make_response

#: what makes a spreadsheet read a cell as a formula (also after leading spaces)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str | int | float:
    """``value`` as a CSV cell that no spreadsheet evaluates: ``None`` is empty, text that could start a
    formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(rows: Iterable[Iterable], *, delimiter: str = ",", lineterminator: str = "\r\n",
              verbatim: bool = False) -> str:
    """The rows as CSV text (lines end with CRLF), every cell through :func:`safe_cell`.

    ``verbatim`` writes the cells as they are (``None`` empty): for a data format that programs read and that
    must say exactly what was voted, such as the pabulib ``.pb`` file (``;``-separated, LF), never for a file
    offered as a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([("" if value is None else value) if verbatim else safe_cell(value) for value in row])
    return out.getvalue()


def csv_download(text: str, filename: str):
    """A response that hands ``text`` (from :func:`write_csv`) over as the file ``filename``."""
    response = make_response(text)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
