"""The one text pipeline: Markdown source in, sanitised HTML, mentions and plain text out.

``render()`` runs markdown-it-py, then bleach, then nh3, with one allow-list. The layers and the
decisions (headings, images, URLs): docs/architecture.md#one-text-pipeline. Citations of guidance
(``[[NG12 1.3.1]]``, forum/text/citations.py) become links when the caller knows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import bleach
import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from forum.text.citations import CITATION, CITATION_CLASS, CitationKey, CitationLink, key_of
from forum.text.urls import url_scheme

#: Bump when render() output changes; posts below it are re-rendered from the CLI.
MARKUP_VERSION: int = 3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
MENTION_CLASS = "mention"
#: What may follow "@" in a mention (a member's handle or a group's): 2 to 30 letters, digits,
#: "_", "-" and dots, a dot only between two of the others ("thanks @asha.patel." mentions
#: asha.patel). A handle the forms accept must match it.
USERNAME_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9_-])){1,29}"
#: What a mention of a member who deleted their account becomes; never a link, and never a
#: handle (it is reserved). See forum/text/former_members.py.
FORMER_MEMBER_HANDLE = "former-member"

# Path segments that cannot be "." or "..", and no "\", "%", "?" or "#".
_UPLOAD_URL = re.compile(r"/uploads(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+")
_ALIGNMENTS = frozenset({"left", "center", "right"})
_VALUE_RULES: Mapping[tuple[str, str], Callable[[str], bool]] = {
    ("a", "class"): lambda value: value in (MENTION_CLASS, CITATION_CLASS),
    ("img", "src"): lambda value: _UPLOAD_URL.fullmatch(value) is not None,
    ("ol", "start"): lambda value: re.fullmatch(r"[0-9]{1,9}", value) is not None,
    ("th", "align"): _ALIGNMENTS.__contains__,
    ("td", "align"): _ALIGNMENTS.__contains__,
}
_PAGE_HEADINGS = re.compile(r"<(/?)h([3-6])>")
_HEADING_TAGS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}
# Characters around "@" that mean "e-mail address" or "longer word", not a mention.
# After it, nothing that could continue a handle (so a longer one is never cut short).
_MENTION = re.compile(
    rf"(?<![\w.+!#$%&'*/=?^`{{|}}~@-])@({USERNAME_PATTERN})(?![\w@-]|\.[A-Za-z0-9_-])"
)
# C0 controls other than tab, LF and CR, and DEL: meaningless in a post, invalid in XML/email.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_MAX_INLINE_DEPTH = 20
# Text that may hold a mention or a citation.
_MAY_REWRITE = re.compile(r"@|\[\[")
# bleach's tree walker (html5lib) is quadratic in the number of siblings under one parent, so
# it cleans runs of at most this many siblings at a time (see _bleach_run).
_MAX_SIBLINGS = 100


def is_safe_url(url: str) -> bool:
    """Return True if url is relative or uses an allowed scheme."""
    scheme = url_scheme(url)
    return scheme is None or scheme in ALLOWED_SCHEMES


def is_allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Return True if the allow-list permits this attribute and value on tag."""
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    rule = _VALUE_RULES.get((tag, name))
    return rule is None or rule(value)


class _ForumMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return is_safe_url(url)


# --- markdown-it core rules: shape the token stream to the allow-list ---


def _demote_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_TAGS[token.tag]


def _align_cells(state: StateCore) -> None:
    for token in state.tokens:
        if token.type not in ("th_open", "td_open"):
            continue
        style = str(token.attrs.pop("style", ""))
        if style.startswith("text-align:"):
            token.attrs["align"] = style.removeprefix("text-align:")


def _drop_code_language(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "fence":
            token.info = ""


def _alt_text(image: Token) -> str:
    parts = [child.content for child in image.children or [] if child.type != "image"]
    return "".join(parts).strip()


def _link_tokens(href: str, text: str, attrs: Mapping[str, str] | None = None) -> list[Token]:
    opening = Token("link_open", "a", 1, attrs={"href": href, **(attrs or {})})
    return [opening, Token("text", "", 0, content=text), Token("link_close", "a", -1)]


def _image_replacement(image: Token, in_link: bool) -> list[Token]:
    src = str(image.attrs.get("src", ""))
    if _UPLOAD_URL.fullmatch(src):
        return [image]
    text = _alt_text(image) or src
    if in_link:
        return [Token("text", "", 0, content=text)]
    title = image.attrs.get("title")
    return _link_tokens(src, text, {"title": str(title)} if title else None)


def _mention_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.group(1).lower() == FORMER_MEMBER_HANDLE:
            continue
        tokens.append(Token("text", "", 0, content=text[position : match.start()]))
        username = match.group(1).lower()
        link = _link_tokens(f"/u/{username}", match.group(0), {"class": MENTION_CLASS})
        link[0].meta["mention"] = username
        tokens.extend(link)
        position = match.end()
    tokens.append(Token("text", "", 0, content=text[position:]))
    return [token for token in tokens if token.type != "text" or token.content]


def _is_web_address(href: str) -> bool:
    """A citation links only to an http(s) address (judged as browsers would see it)."""
    return url_scheme(href) in ("http", "https") and is_safe_url(href)


def _citation_tokens(text: str, env: dict[str, object]) -> list[Token]:
    """Known citations in text as links; unknown ones (and everything else) as it was typed.

    Every key found is appended to ``env["cited"]`` (what ``extract_citations`` returns)."""
    links: Mapping[CitationKey, CitationLink] = env.get("citations") or {}  # type: ignore[assignment]
    cited: list[CitationKey] = env.setdefault("cited", [])  # type: ignore[assignment]
    tokens: list[Token] = []
    position = 0
    for match in CITATION.finditer(text):
        key = key_of(match)
        if key is None:
            continue
        cited.append(key)
        link = links.get(key)
        if link is None:
            continue
        tokens.append(Token("text", "", 0, content=text[position : match.start()]))
        if _is_web_address(link.href):
            attrs = {"class": CITATION_CLASS, "title": link.title}
            tokens.extend(_link_tokens(link.href, link.text, attrs))
        else:  # never a link to anything but a web page
            tokens.append(Token("text", "", 0, content=link.text))
        position = match.end()
    tokens.append(Token("text", "", 0, content=text[position:]))
    return [token for token in tokens if token.type != "text" or token.content]


def _cap_depth(children: list[Token]) -> list[Token]:
    # Emphasis can nest without limit ("*" * 50000) and the HTML parsers slow down with depth.
    result: list[Token] = []
    kept: list[bool] = []
    depth = 0
    for token in children:
        keep = token.nesting != 1 or depth < _MAX_INLINE_DEPTH
        if token.nesting == 1:
            kept.append(keep)
            depth += keep
        elif token.nesting == -1 and kept:
            keep = kept.pop()
            depth -= keep
        if keep:
            result.append(token)
    return result


def _plain_text(token: Token, env: dict[str, object]) -> list[Token]:
    """A text token outside links: its citations, then its mentions."""
    pieces = _citation_tokens(token.content, env) if "[[" in token.content else [token]
    result: list[Token] = []
    for piece in pieces:
        if piece.type == "text" and "@" in piece.content:
            result.extend(_mention_tokens(piece.content))
        else:
            result.append(piece)
    return result


def _rewrite_inline(children: list[Token], env: dict[str, object]) -> list[Token]:
    result: list[Token] = []
    link_depth = 0
    for token in _cap_depth(children):
        link_depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "image":
            result.extend(_image_replacement(token, in_link=link_depth > 0))
        elif token.type == "text" and not link_depth and _MAY_REWRITE.search(token.content):
            result.extend(_plain_text(token, env))
        else:
            result.append(token)
    return result


def _links_images_mentions(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, state.env)


def _build_markdown() -> MarkdownIt:
    options = {"html": False, "linkify": True, "typographer": False, "xhtmlOut": False}
    md = _ForumMarkdown("commonmark", options).enable(["table", "strikethrough", "linkify"])
    # Before text_join, so that an escaped "\@name" is not a mention.
    md.core.ruler.before("text_join", "forum_inline", _links_images_mentions)
    md.core.ruler.push("forum_headings", _demote_headings)
    md.core.ruler.push("forum_alignment", _align_cells)
    md.core.ruler.push("forum_code", _drop_code_language)
    return md


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # ammonia runs this filter on the rel it adds itself too, so pin that value here.
    if (tag, name) == ("a", "rel"):
        return LINK_REL
    return value if is_allowed_attribute(tag, name, value) else None


_MARKDOWN = _build_markdown()
_NH3 = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    url_schemes=set(ALLOWED_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _normalise_source(source: str) -> str:
    if _SURROGATES.search(source):
        # Join surrogate pairs into the character they spell; a lone one becomes U+FFFD.
        source = source.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROL_CHARS.sub("", source)


def _bleach(html_text: str) -> str:
    return bleach.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=is_allowed_attribute,
        protocols=ALLOWED_SCHEMES,
        strip=True,
        strip_comments=True,
    )


def _render_tokens(tokens: list[Token]) -> str:
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


def _subtrees(tokens: list[Token]) -> Iterator[list[Token]]:
    start, depth = 0, 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth <= 0:
            yield tokens[start : index + 1]
            start, depth = index + 1, 0
    if start < len(tokens):
        yield tokens[start:]


def _widest(tokens: list[Token]) -> int:
    """Return the largest number of siblings under any one parent in tokens."""
    counts, widest = [0], 0
    for token in tokens:
        if token.nesting == -1 and len(counts) > 1:
            widest = max(widest, counts.pop())
            continue
        counts[-1] += 1
        if token.nesting == 1:
            counts.append(0)
        elif token.type == "inline":
            widest = max(widest, _widest(token.children or []))
    return max(widest, *counts)


def _bleach_in(tokens: list[Token], context: tuple[str, ...]) -> str:
    """Clean the HTML of tokens parsed inside the tags of context, as in the whole document."""
    opening = "".join(f"<{tag}>" for tag in context)
    closing = "".join(f"</{tag}>" for tag in reversed(context))
    cleaned = _bleach(opening + _render_tokens(tokens) + closing)
    if cleaned.startswith(opening) and cleaned.endswith(closing):
        return cleaned[len(opening) : len(cleaned) - len(closing)]
    return _bleach(_render_tokens(tokens))  # not expected; nh3 checks the result anyway


def _bleach_wide(subtree: list[Token], context: tuple[str, ...]) -> Iterator[str]:
    head = subtree[0]
    if head.type == "inline":
        yield from _bleach_run(head.children or [], context)
        return
    closing = _render_tokens(subtree[-1:])
    yield _bleach_in([head, subtree[-1]], context).removesuffix(closing)
    yield from _bleach_run(subtree[1:-1], context if head.hidden else (*context, head.tag))
    yield closing


def _bleach_run(tokens: list[Token], context: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield the cleaned HTML of tokens, at most _MAX_SIBLINGS siblings per bleach call."""
    group: list[Token] = []
    siblings = 0
    for subtree in _subtrees(tokens):
        wide = _widest(subtree) > _MAX_SIBLINGS
        if group and (wide or siblings == _MAX_SIBLINGS):
            yield _bleach_in(group, context)
            group, siblings = [], 0
        if wide:
            yield from _bleach_wide(subtree, context)
        else:
            group += subtree
            siblings += 1
    if group:
        yield _bleach_in(group, context)


def sanitise(html_text: str) -> str:
    """Clean HTML with the allow-list (bleach, then nh3, which also sets the link rel)."""
    return _NH3.clean(_bleach(html_text))


def render(source: str, *, citations: Mapping[CitationKey, CitationLink] | None = None) -> str:
    """Render Markdown source to HTML that is safe to mark as safe in templates.

    ``citations``: the links of the citations the register knows (forum/services/guidance/
    citations.py); any other ``[[...]]`` stays as it was typed."""
    env: dict[str, object] = {"citations": citations or {}}
    tokens = _MARKDOWN.parse(_normalise_source(source), env)
    return _NH3.clean("".join(_bleach_run(tokens)))


def render_page(source: str) -> str:
    """``render`` for a site page or message placed right under a page's h1: headings one
    level up, so ``#`` is h2. Safe on the sanitised output: its headings carry no attributes,
    and no text in it can hold a literal tag."""
    return _PAGE_HEADINGS.sub(lambda m: f"<{m[1]}h{int(m[2]) - 1}>", render(source))


def extract_mentions(source: str) -> list[str]:
    """Return the lower-cased usernames mentioned in source, unique, in order of appearance."""
    tokens = _MARKDOWN.parse(_normalise_source(source))
    names = (
        child.meta["mention"]
        for token in tokens
        for child in token.children or []
        if child.type == "link_open" and "mention" in child.meta
    )
    return list(dict.fromkeys(names))


def extract_citations(source: str) -> list[CitationKey]:
    """Return the citations in source (not in code or links), unique, in order of appearance."""
    env: dict[str, object] = {}
    if "[[" in source:
        _MARKDOWN.parse(_normalise_source(source), env)
    return list(dict.fromkeys(env.get("cited", [])))  # type: ignore[call-overload]
