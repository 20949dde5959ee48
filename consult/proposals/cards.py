"""Rendered proposal cards, the list's pager and its filter form, cached between requests.

A card is a pure function of its row (``queries.card_page``: title, excerpt source, state, counts, theme,
district, author's name, the reader's translation) and of the interface language, so its HTML depends on
exactly those values (``CARDS``): any change to what a card shows is a new row, hence a new entry, and nothing
needs invalidating. What depends on the reader ("You support it") is not part of the cached copy: the card is
cached as the HTML before and after that badge. The filter form depends on its choices (their version,
``consult.proposals.versions``), the submitted values and the language, the pager on the page, the query
string and the language.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from consult.core import cache
from consult.proposals.models import STATE_LABELS
from consult.proposals.queries import card_excerpt

#: marks the reader's badge in a rendered card; split away before the copy is cached
_SLOT = "\x00viewer\x00"
#: the query-string arguments the filter form reads
FILTER_ARGS = ("q", "process_id", "theme", "district", "state", "sort")

#: one card's HTML before and after the reader's badge
CARDS = cache.region("proposal_cards", depends_on=("row", "fields"),
                     varies_on=(cache.language, cache.script_root), max_entries=4096)
#: the filter form's HTML
FORMS = cache.region("proposal_filter_forms", depends_on=("choices", "feed_url"),
                     varies_on=(cache.query_args(*FILTER_ARGS), cache.language, cache.script_root),
                     max_entries=512)
#: the pager's HTML (its links keep the query string)
PAGERS = cache.region("proposal_pagers", depends_on=("page", "pages"),
                      varies_on=(cache.path, cache.query_string, cache.language, cache.script_root),
                      max_entries=512)


def _state_label(state: str):
    return STATE_LABELS.get(state, state)


class ListParts:
    """The cached parts of one list page, for one request."""

    def __init__(self):
        #: the interface language code (as ``consult.core.i18n.current_language``)
        self.language = str(get_locale() or "en").split("_")[0]
        self._env = current_app.jinja_env
        self._cards = CARDS.for_request()  # twenty cards a page: the request's facets are read once

    def card(self, row) -> tuple[Markup, Markup]:
        """The HTML of one card before and after the place of the reader's badge."""

        def render() -> tuple[Markup, Markup]:
            html = self._env.get_template("proposals/_card.html").render(
                c=row, viewer_slot=_SLOT, state_label=_state_label, card_excerpt=card_excerpt)
            head, _, tail = html.partition(_SLOT)
            return Markup(head), Markup(tail)

        return self._cards.get_or_make(render, row=tuple(row), fields=row._fields)

    def pager(self, page) -> Markup:
        """The shared pager macro's HTML for this page of this list."""

        def render() -> Markup:
            return Markup(self._env.get_template("_macros/forms.html").module.pager(page))

        return PAGERS.get_or_make(render, page=page.page, pages=page.pages)

    def filter_form(self, choices: int | tuple, feed_url: str, render: Callable[[], str]) -> Markup:
        """The filter form's HTML for these choices (their version, or the choices themselves when the
        database keeps no version) and submitted values; ``render()`` makes it when it is not cached yet."""
        return FORMS.get_or_make(lambda: Markup(render()), choices=choices, feed_url=feed_url)
