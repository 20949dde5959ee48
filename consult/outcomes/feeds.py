"""Atom feed of outcome updates (feedgen)."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import current_app
from flask_babel import gettext as _

from consult.core.text import xml_text
from consult.core.urls import external_url


def _aware(moment):
    return moment.replace(tzinfo=UTC)


def updates_feed(updates) -> bytes:
    feed = FeedGenerator()
    feed.id(external_url("outcomes.feed"))
    feed.title(_("Outcome updates – %(platform)s", platform=current_app.config["PLATFORM_NAME"]))
    feed.link(href=external_url("outcomes.index"), rel="alternate")
    feed.link(href=external_url("outcomes.feed"), rel="self")
    feed.author(name=current_app.config["PLATFORM_NAME"])
    feed.updated(_aware(updates[0].created_at) if updates else datetime.now(UTC))
    for update in reversed(updates):
        entry = feed.add_entry()
        link = external_url("outcomes.show", outcome_id=update.outcome_id)
        entry.id(f"{link}#update-{update.id}")
        title = update.outcome.title
        if update.action is not None:
            title = f"{title}: {update.action.title} ({update.status_label}, {update.progress} %)"
        entry.title(xml_text(title))
        entry.link(href=f"{link}#update-{update.id}")
        entry.updated(_aware(update.created_at))
        entry.published(_aware(update.created_at))
        entry.summary(xml_text(update.text or title))
    return feed.atom_str(pretty=True)
