"""User text: Markdown rendered by markdown-it-py, then sanitised by nh3 (Ammonia).

Raw HTML in the source is not interpreted (it is shown as text); the rendered HTML is cleaned again with an
allow-list, so whatever the renderer produces, no script, style, event handler or foreign frame survives.
"""

from __future__ import annotations

import functools
import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = (MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
       .enable("strikethrough"))

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def _demote_headings(html: str) -> str:
    # headings in user text sit under the page's own h1/h2
    for level, target in (("1", "3"), ("2", "4")):
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return html


#: stored texts are shown again and again: the HTML of the most recent ones is kept (bounded, a pure
#: function); enough entries for a long comment thread (500 comments) and the other pages read meanwhile
_CACHED_SOURCE_CHARS = 20_000


def render_markdown(source: str | None) -> Markup:
    """Markdown to safe HTML (the only way user text becomes markup)."""
    if not source:
        return Markup("")
    if len(source) <= _CACHED_SOURCE_CHARS:
        return _render_cached(str(source))
    return _render(source)


@functools.lru_cache(maxsize=4096)
def _render_cached(source: str) -> Markup:
    return _render(source)


def _render(source: str) -> Markup:
    html = _demote_headings(_md.render(source))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def plain_excerpt(source: str | None, length: int = 200) -> str:
    """A plain-text excerpt of Markdown (for lists, feeds and meta descriptions)."""
    if not source:
        return ""
    text = html_lib.unescape(nh3.clean(_md.render(source), tags=set()))
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


#: characters XML 1.0 cannot carry (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    """``value`` without the characters an XML document (an Atom feed) cannot hold."""
    return _NOT_XML.sub("", value or "")
