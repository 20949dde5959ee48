"""An XSS corpus and a checker that reads the markup the way a browser would (escaped text is harmless).

``XSS`` is the short list the comments and moderation tests run one by one; the full corpus (more than 100
vectors, checked in a real browser through every text field) is ``tests.security.xss_vectors.VECTORS``.
"""

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

FORBIDDEN_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math", "base", "frame", "frameset",
                  "applet"}  # the layout has its own <img>
#: attributes that run script or load a document whatever their value
FORBIDDEN_ATTRIBUTES = {"srcdoc", "formaction"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS and tag != "script":
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES or name.startswith(("hx-on",
                                                                                         "data-hx-on")):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "xlink:href") and value and \
                    value.strip().lower().startswith(DANGEROUS_SCHEMES):
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
