"""URL converters."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: the largest id a database integer column holds (PostgreSQL's ``integer``; SQLite's are larger)
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number no larger than a row id can be, so that ``/proposals/
    99999999999`` is a 404 on any database instead of an "integer out of range" error from PostgreSQL. Routes
    may still pass ``min`` or ``max``."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ROW_ID if max is None else max,
                         signed=signed)

#: the last page number a list accepts (a larger one is this one: an empty page past the end, never an error)
MAX_PAGE = 1_000_000


def row_id(value) -> int | None:
    """``value`` (text from a query string or a form) as a row id: a whole number from 1 to ``MAX_ROW_ID``,
    else None. A larger number would make PostgreSQL refuse the query ("integer out of range")."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ROW_ID else None


def page_number(value) -> int:
    """``?page=`` as a page number from 1 to ``MAX_PAGE`` (1 when missing or not a number)."""
    try:
        number = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
