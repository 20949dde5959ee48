"""Atom feed of published minutes."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from consult.core.feeds import add_entry, atom_feed
from consult.core.text import plain_excerpt
from consult.core.urls import external_url
from consult.minutes.drafting import display_title


def minutes_feed(items) -> bytes:
    platform = current_app.config["PLATFORM_NAME"]
    feed = atom_feed(feed_id=external_url("minutes.feed"), page=external_url("minutes.index"),
                     self_url=external_url("minutes.feed"), language="en", author=platform,
                     title=_("Published minutes – %(platform)s", platform=platform),
                     updated=max((m.published_at for m in items), default=None))
    for minutes in reversed(items):
        add_entry(feed, url=external_url("minutes.show", minutes_id=minutes.id), title=display_title(minutes),
                  summary=plain_excerpt(minutes.body, 400), published=minutes.published_at,
                  updated=minutes.published_at)
    return feed.atom_str(pretty=True)
