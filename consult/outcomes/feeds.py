"""Atom feed of outcome updates."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from consult.core.feeds import add_entry, atom_feed
from consult.core.urls import external_url


def updates_feed(updates) -> bytes:
    platform = current_app.config["PLATFORM_NAME"]
    feed = atom_feed(feed_id=external_url("outcomes.feed"), page=external_url("outcomes.index"),
                     self_url=external_url("outcomes.feed"), author=platform,
                     title=_("Outcome updates – %(platform)s", platform=platform),
                     updated=updates[0].created_at if updates else None)
    for update in reversed(updates):
        title = update.outcome.title
        if update.action is not None:
            title = f"{title}: {update.action.title} ({update.status_label}, {update.progress} %)"
        url = external_url("outcomes.show", outcome_id=update.outcome_id) + f"#update-{update.id}"
        add_entry(feed, url=url, title=title, summary=update.text or title, published=update.created_at,
                  updated=update.created_at)
    return feed.atom_str(pretty=True)
