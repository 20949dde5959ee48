"""An XSS corpus and a checker that reads the markup the way a browser would (escaped text is harmless)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    "[x](JaVaScRiPt:alert(1))",
    "![img](javascript:alert(1))",
]

FORBIDDEN_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math"}  # the layout has its own <img>


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS and tag != "script":
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith(("javascript:", "data:")):
                self.problems.append(f"{tag}[{name}={value}]")


LAYOUT_SCRIPT = re.compile(r'<script src="/static/[^"]+" defer></script>')


def unsafe_markup(html: str, allowed_scripts: int | None = None) -> list[str]:
    """Problems found in ``html``: any script tag other than the layout's own files from /static/ counts.

    ``allowed_scripts`` is kept for callers that state how many layout scripts they expect (at least).
    """
    checker = _Checker()
    checker.feed(html)
    problems = list(checker.problems)
    layout = len(LAYOUT_SCRIPT.findall(html))
    if allowed_scripts is not None and layout < allowed_scripts:
        problems.append("layout scripts missing")
    if html.lower().count("<script") > layout:
        problems.append("script")
    return problems
