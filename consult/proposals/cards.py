"""Rendered proposal cards and the list's filter form, kept between requests.

A card is a pure function of its row (``queries.card_page``: title, excerpt source, state, counts, theme,
district, author's name, the reader's translation) and of the interface language, so its HTML is cached under
exactly those values: any change to what a card shows is a new key, and nothing needs invalidating. What
depends on the reader ("You support it") is not part of the cached copy: the card is kept as the HTML before
and after that badge. The filter form is cached the same way, under its choices, the submitted values and
the language. Both caches are bounded (least recently used entries go first) and per process.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from consult.core.kept import KeptStore
from consult.proposals.models import STATE_LABELS
from consult.proposals.queries import card_excerpt

#: marks the reader's badge in a rendered card; split away before the copy is kept
_SLOT = "\x00viewer\x00"


CARDS = KeptStore(4096)
FORMS = KeptStore(512)
PAGERS = KeptStore(512)


def _state_label(state: str):
    return STATE_LABELS.get(state, state)


class ListParts:
    """The kept parts of one list page, for one request (the language is read once, not once per card)."""

    def __init__(self):
        locale = get_locale()
        #: the interface language code (as ``consult.core.i18n.current_language``)
        self.language = str(locale or "en").split("_")[0]
        self.locale = (str(locale), request.script_root)
        self._env = current_app.jinja_env

    def card(self, row) -> tuple[Markup, Markup]:
        """The HTML of one card before and after the place of the reader's badge."""

        def render() -> tuple[Markup, Markup]:
            html = self._env.get_template("proposals/_card.html").render(
                c=row, viewer_slot=_SLOT, state_label=_state_label, card_excerpt=card_excerpt)
            head, _, tail = html.partition(_SLOT)
            return Markup(head), Markup(tail)

        return CARDS.get_or_make((tuple(row), row._fields, self.locale), render)

    def pager(self, page) -> Markup:
        """The shared pager macro's HTML for this page of this list (its links keep the query string)."""
        key = (page.page, page.pages, request.path, tuple(request.args.items(multi=True)), self.locale)
        return PAGERS.get_or_make(key, lambda: Markup(self._env.get_template("_macros/forms.html").module.pager(page)))

    def filter_form(self, choices: tuple, values: tuple, render: Callable[[], str]) -> Markup:
        """The filter form's HTML for these choices, submitted values and language; ``render()`` makes it
        when it is not kept yet."""
        return FORMS.get_or_make((choices, values, self.locale), lambda: Markup(render()))


def clear() -> None:
    """Forget every kept card, form and pager (tests)."""
    CARDS.clear()
    FORMS.clear()
    PAGERS.clear()
