"""Pagination of list pages: ``?page=N``, a bounded page size, and a pager macro in templates."""

from __future__ import annotations

from flask import request

from consult.core.routing import page_number
from consult.extensions import db

MAX_PER_PAGE = 100


def paginate(query, per_page: int = 20, max_per_page: int = MAX_PER_PAGE):
    """Paginate a select; unknown or out-of-range page numbers give an empty last page, never an error."""
    page = page_number(request.args.get("page"))
    size = request.args.get("per_page", per_page, type=int) or per_page
    return db.paginate(query, page=page, per_page=min(max(size, 1), max_per_page),
                       max_per_page=max_per_page, error_out=False, count=True)
