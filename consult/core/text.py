"""User text: Markdown rendered by markdown-it-py, then sanitised by nh3 (Ammonia).

Raw HTML in the source is not interpreted (it is shown as text); the rendered HTML is cleaned again with an
allow-list, so whatever the renderer produces, no script, style, event handler or foreign frame survives.
"""

from __future__ import annotations

import html as html_lib

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")

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


def render_markdown(source: str | None) -> Markup:
    """Markdown to safe HTML (the only way user text becomes markup)."""
    if not source:
        return Markup("")
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
