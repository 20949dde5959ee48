"""Atom feed of published minutes (feedgen)."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import current_app
from flask_babel import gettext as _

from consult.core.text import plain_excerpt, xml_text
from consult.core.urls import external_url
from consult.minutes.drafting import display_title


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment is not None else None


def minutes_feed(items) -> bytes:
    feed = FeedGenerator()
    feed.id(external_url("minutes.feed"))
    feed.title(_("Published minutes – %(platform)s", platform=current_app.config["PLATFORM_NAME"]))
    feed.link(href=external_url("minutes.index"), rel="alternate")
    feed.link(href=external_url("minutes.feed"), rel="self")
    feed.language("en")
    updated = max((m.published_at for m in items), default=None)
    feed.updated(_aware(updated) if updated else datetime.now(UTC))
    feed.author(name=current_app.config["PLATFORM_NAME"])
    for minutes in reversed(items):
        entry = feed.add_entry()
        link = external_url("minutes.show", minutes_id=minutes.id)
        entry.id(link)
        entry.title(xml_text(display_title(minutes)))
        entry.link(href=link)
        entry.published(_aware(minutes.published_at))
        entry.updated(_aware(minutes.published_at))
        entry.summary(xml_text(plain_excerpt(minutes.body, 400)))
    return feed.atom_str(pretty=True)
