"""Our own XSS payloads for the text pipeline, written for this project.

URL payloads are generated: a few dangerous base URLs, each obfuscated in the ways browsers and
parsers have been known to forgive (entities, percent-encoding, case, invisible and control
characters), each placed in every Markdown construct that produces a URL. The rest are written
out by class: event handlers, dangerous elements, mutation XSS, SVG/MathML, attribute breakouts
through link titles and image alt text, code, mentions and linkify, upload-path tricks.
"""

from __future__ import annotations

from collections.abc import Callable

BASE_URLS = [
    "javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
]

# Characters browsers or URL parsers have ignored inside or before a scheme.
INVISIBLE = [
    "\t", "\n", "\r", "\x00", "\x0b", "\x0c", "\u00ad", "\u180e", "\u200b", "\u200c", "\u200d",
    "\u2060", "\ufeff",
]  # fmt: skip
LEADING = [" ", "\x01", "\x1f", "\u00a0", "\u2028", "\u3000", "\ufeff", "\x00"]


def _split(url: str) -> tuple[str, str]:
    scheme, _, rest = url.partition(":")
    return scheme, rest


def _per_char(url: str, encode: Callable[[str], str]) -> str:
    scheme, rest = _split(url)
    return "".join(encode(char) for char in scheme + ":") + rest


def _inside(url: str, char: str) -> str:
    scheme, rest = _split(url)
    middle = len(scheme) // 2
    return f"{scheme[:middle]}{char}{scheme[middle:]}:{rest}"


OBFUSCATIONS: list[Callable[[str], str]] = [
    lambda url: url,
    lambda url: _per_char(url, str.upper),
    lambda url: _per_char(url, lambda c: c.upper() if ord(c) % 2 else c),
    lambda url: _per_char(url, lambda c: f"&#{ord(c)};"),
    lambda url: _per_char(url, lambda c: f"&#{ord(c)}"),
    lambda url: _per_char(url, lambda c: f"&#{ord(c):07d};"),
    lambda url: _per_char(url, lambda c: f"&#{ord(c):07d}"),
    lambda url: _per_char(url, lambda c: f"&#x{ord(c):x};"),
    lambda url: _per_char(url, lambda c: f"&#X{ord(c):X}"),
    lambda url: _per_char(url, lambda c: f"&#x{ord(c):06x};"),
    lambda url: _per_char(url, lambda c: f"%{ord(c):02X}"),
    lambda url: _per_char(url, lambda c: f"%26%23{ord(c)}%3B"),
    lambda url: url.replace(":", "&colon;", 1),
    lambda url: url.replace(":", "%3A", 1),
    lambda url: url.replace(":", "\\:", 1),
    lambda url: _inside(url, "&Tab;"),
    lambda url: _inside(url, "&NewLine;"),
    lambda url: _inside(url, "&#x09;"),
    lambda url: _inside(url, "%09"),
    lambda url: _inside(url, "%0a"),
    *[lambda url, c=char: _inside(url, c) for char in INVISIBLE],
    *[lambda url, c=char: c + url for char in LEADING],
]

# Every Markdown construct that turns text into an href or src.
URL_CONTEXTS = [
    "[x]({})",
    "[x](<{}>)",
    '[x]({} "title")',
    "![x]({})",
    "[x][r]\n\n[r]: {}",
    "![x][r]\n\n[r]: <{}>",
    "<{}>",
]

URL_PAYLOADS = [
    context.format(obfuscate(url))
    for url in BASE_URLS
    for obfuscate in OBFUSCATIONS
    for context in URL_CONTEXTS
]

RAW_HTML_URLS = [
    f'<{tag} {attribute}="{url}">x</{tag}>'
    for url in BASE_URLS
    for tag, attribute in [
        ("a", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("object", "data"),
        ("form", "action"),
        ("button", "formaction"),
    ]
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<body onload=alert(1)>",
    '<a href="/ok" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<p onmouseover=alert(1)>hover</p>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<span style="width:expression(alert(1))">x</span>',
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>click",
]

DANGEROUS_ELEMENTS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=/uploads/a.js></script>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    '<isindex action="javascript:alert(1)" type=image>',
    '<img name="cookie" id="getElementById">',
]

MUTATION_XSS = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style><img src=x onerror=alert(1)></style>",
    "<title><img src=x onerror=alert(1)></title>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<template><img src=x onerror=alert(1)></template>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<noembed><img src=x onerror=alert(1)></noembed>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<table><tr><td><style></td></tr></table><img src=x onerror=alert(1)>",
    "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
    "<a href='x'><table><a href='y'></table><img src=x onerror=alert(1)>",
]

SVG_AND_MATHML = [
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    '<svg><a href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+#x"/></svg>',
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mi><svg><mtext><img src=x onerror=alert(1)>",
    "<svg><desc><![CDATA[</desc><script>alert(1)</script>]]></svg>",
    '<svg><image href="https://tracker.example/p.png"/></svg>',
]

ATTRIBUTE_BREAKOUTS = [
    '[x](http://a.example" onclick="alert(1))',
    '[x](http://a.example "t" onclick="alert(1)")',
    "[x](http://a.example 'a\" onmouseover=\"alert(1)')",
    '[x](/ok "&quot; onmouseover=&quot;alert(1)")',
    '[x](/ok "\\" onmouseover=\\"alert(1)")',
    '![x" onerror="alert(1)](/uploads/a.png)',
    '![x" onerror="alert(1)](https://a.example/a.png)',
    '![x](/uploads/a.png "t" onerror="alert(1)")',
    '![x](/uploads/a.png" onerror="alert(1))',
    "![&quot; onerror=&quot;alert(1)](/uploads/a.png)",
    '![`" onerror="alert(1)`](/uploads/a.png)',
    '[r]\n\n[r]: /ok "t" onclick="alert(1)"',
    '[x](<http://a.example/"onclick=alert(1)>)',
    'http://a.example/"onmouseover="alert(1)',
    "www.a.example/<script>alert(1)</script>",
    "| a |\n|:--|\n| <img src=x onerror=alert(1)> |",
    '| a |\n|:--" onclick="alert(1)|\n| b |',
    '3" onclick="alert(1). item',
]

NESTING_CONFUSION = [
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "[[x](javascript:alert(1))](https://a.example)",
    "[x](https://a.example)(javascript:alert(1))",
    "[x](javascript:alert(1) 'javascript:alert(2)')",
    "[x]: javascript:alert(1)\n\n[x]",
    "[x][]\n\n[x]: JaVaScRiPt:alert(1)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    "<mailto:a@b.example?body=<script>alert(1)</script>>",
    "[x](javascript://example.com/%0aalert(1))",
    "[x](javascript://%0d%0aalert(1))",
    "javascript:alert(1) http://a.example/?javascript:alert(1)",
    "[x](file:///etc/passwd)",
    "[x](jar:https://a.example/x.jar!/)",
    "[x](intent://scan/#Intent;scheme=javascript;end)",
]

CODE = [
    "`<script>alert(1)</script>`",
    "``<img src=x onerror=alert(1)>``",
    "```\n<script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "```js onload=alert(1)\nx\n```",
    "```javascript:alert(1)\nx\n```",
    "    <iframe src=javascript:alert(1)></iframe>",
    "~~~<img src=x onerror=alert(1)>\nx\n~~~",
    "`</code><script>alert(1)</script>`",
    "``` x\n</code></pre><script>alert(1)</script>\n```",
]

MENTIONS_AND_LINKIFY = [
    "@<script>alert(1)</script>",
    '@alice"onmouseover="alert(1)',
    "@alice<img src=x onerror=alert(1)>",
    "@javascript:alert(1)",
    "@a\u200bbc @abc\u202e",
    "[@alice](javascript:alert(1))",
    "`@alice` <script>@bob</script>",
    "http://javascript:alert(1)@a.example",
    "//a.example/%0Ajavascript:alert(1)",
    "a@javascript:alert(1)",
]

UPLOAD_PATH_TRICKS = [
    "![x](/uploads/../logout)",
    "![x](/uploads/%2e%2e/logout)",
    "![x](/uploads/a/..%2f..%2flogout)",
    "![x](/uploads/a\\..\\..\\logout)",
    "![x](/uploads//tracker.example/p.png)",
    "![x](//tracker.example/uploads/p.png)",
    "![x](/uploads/p.png?track=1)",
    "![x](https://tracker.example/uploads/p.png)",
    "![x](/uploads)",
    "![x](/UPLOADS/p.png)",
    "![x](/uploads/.htaccess)",
    "![x](/uploads/\u202egnp.exe)",
]

BBCODE_AND_OTHER = [
    "[url=javascript:alert(1)]x[/url]",
    "[img]javascript:alert(1)[/img]",
    '[color=red" onclick="alert(1)]x[/color]',
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "<% alert(1) %>",
]

PAYLOADS: list[str] = list(
    dict.fromkeys(
        URL_PAYLOADS
        + RAW_HTML_URLS
        + EVENT_HANDLERS
        + DANGEROUS_ELEMENTS
        + MUTATION_XSS
        + SVG_AND_MATHML
        + ATTRIBUTE_BREAKOUTS
        + NESTING_CONFUSION
        + CODE
        + MENTIONS_AND_LINKIFY
        + UPLOAD_PATH_TRICKS
        + BBCODE_AND_OTHER
    )
)
