"""How content is named and linked in notifications, the moderation queue and the public log.

Content models may offer ``title`` (or ``name``), and ``url`` (a property or a method returning the path of
the page that shows them). Comments have no title: an excerpt of their text is used.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consult.core import targets
from consult.core.text import plain_excerpt


def label_of(obj) -> str:
    """A short plain-text name for the object (its title, or an excerpt of its text)."""
    if obj is None:
        return _("removed content")
    for attr in ("title", "name"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    body = getattr(obj, "body", None)
    if isinstance(body, str) and body:
        return plain_excerpt(body, 80)
    return _("%(kind)s %(id)s", kind=type_label(targets.type_of(obj)), id=obj.id)


def type_label(type_name: str) -> str:
    labels = {"proposal": _("Proposal"), "comment": _("Comment"), "process": _("Process"),
              "debate": _("Debate"), "council": _("Council"), "outcome": _("Outcome"),
              "amendment": _("Amendment")}
    return labels.get(type_name, type_name)


def url_of(obj) -> str | None:
    """The path of the page showing the object, when it says (``url`` property or method)."""
    url = getattr(obj, "url", None)
    if callable(url):
        url = url()
    return url if isinstance(url, str) and url.startswith("/") else None
