"""Is a piece of rendered HTML safe to serve? A checker independent of forum/text/markup.py."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3

from forum.text import markup

# The policy, stated here on its own so that widening markup.py's allow-list is a visible change.
POLICY: dict[str, set[str]] = {
    **{tag: set() for tag in ("p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del")},
    **{tag: set() for tag in ("s", "code", "pre", "blockquote", "ul", "li")},
    **{tag: set() for tag in ("table", "thead", "tbody", "tr")},
    "ol": {"start"},
    "a": {"href", "title", "class", "rel"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
NEVER = {"script", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link"}
NEVER |= {"style", "template", "noscript", "textarea", "title", "xmp", "plaintext", "frame"}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow ugc noopener"
UPLOAD_SRC = re.compile(r"/uploads(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+")


# --- the checker ---


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.markup_declarations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((tag, []))

    def handle_comment(self, data: str) -> None:
        self.markup_declarations.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.markup_declarations.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.markup_declarations.append(data)

    def handle_pi(self, data: str) -> None:
        self.markup_declarations.append(data)


def browser_scheme(url: str) -> str | None:
    """The scheme of url after undoing entities, percent-encoding and invisible characters."""
    for _ in range(3):
        url = html.unescape(unquote(url))
    url = "".join(c for c in url if unicodedata.category(c)[0] not in "CZ" and not c.isspace())
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def _attribute_problems(tag: str, name: str, value: str) -> list[str]:
    if name not in POLICY[tag]:
        return [f"<{tag} {name}>"]
    if name in ("href", "src") and browser_scheme(value) not in (None, *SAFE_SCHEMES):
        return [f"<{tag} {name}={value!r}>"]
    if (tag, name) == ("img", "src") and not UPLOAD_SRC.fullmatch(value):
        return [f"<img> from outside our uploads: {value!r}"]
    return []


def _tag_problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    if tag in NEVER or tag not in POLICY:
        return [f"<{tag}>"]
    problems = [p for name, value in attrs for p in _attribute_problems(tag, name, value or "")]
    if tag == "a" and attrs and dict(attrs).get("rel") != REL:
        problems.append(f"<a> without rel={REL!r}: {attrs}")
    return problems


def script_capable_parts(output: str) -> list[str]:
    """What in output is outside the policy; [] when it is safe to serve."""
    parser = _Elements()
    parser.feed(output)
    parser.close()
    problems = list(parser.markup_declarations)
    for tag, attrs in parser.tags:
        problems += _tag_problems(tag, attrs)
    # Independent of html.parser: any "<" a browser would read as markup names a policy tag.
    for name in re.findall(r"<(?:/?([A-Za-z][^\s/>]*)|[!?])", output):
        if name.lower() not in POLICY:
            problems.append(f"raw '<{name}'")
    return problems


def nh3_with_policy(output: str) -> str:
    attributes = {tag: names for tag, names in POLICY.items() if names}
    return nh3.clean(
        output, tags=set(POLICY), attributes=attributes, url_schemes=SAFE_SCHEMES, link_rel=None
    )


def assert_safe(output: str) -> None:
    assert script_capable_parts(output) == []
    assert nh3_with_policy(output) == output, "sanitising again changed the output"
    assert markup.sanitise(output) == output, "the pipeline's own sanitiser is not idempotent"
