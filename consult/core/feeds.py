"""Atom feeds (feedgen), made one way for every list that has one: the feed's head and its entries."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from consult.core.text import xml_text
from consult.core.time import aware_utc


def atom_feed(*, feed_id: str, title: str, page: str, self_url: str, language: str | None = None,
              subtitle: str | None = None, updated=None, author: str | None = None) -> FeedGenerator:
    """A feed named ``feed_id``, the list's ``page`` as its alternate link and ``self_url`` as its own;
    ``updated`` is stored UTC (feedgen's default: now)."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.link(href=page, rel="alternate")
    feed.link(href=self_url, rel="self")
    if language:
        feed.language(language)
    if subtitle:
        feed.subtitle(subtitle)
    if updated is not None:
        feed.updated(aware_utc(updated))
    if author:
        feed.author(name=author)
    return feed


def add_entry(feed: FeedGenerator, *, url: str, title: str, summary: str, published, updated,
              author: str | None = None) -> None:
    """One entry, its URL as its id and link, its texts made safe for XML, its times stored UTC. Add the
    oldest first: feedgen puts each new entry at the top."""
    entry = feed.add_entry()
    entry.id(url)
    entry.link(href=url)
    entry.title(xml_text(title))
    entry.summary(xml_text(summary))
    entry.published(aware_utc(published))
    entry.updated(aware_utc(updated))
    if author:
        entry.author(name=author)
