"""Turn the databases' snippets into safe HTML: escaped text, and only our ``<mark>`` tags.

Both backends are asked to wrap matches in two control characters that posts cannot contain
(the forms refuse control characters). Everything else is escaped, so whatever a post says,
the only markup in a snippet is ours, and it is always balanced.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

START = "\x02"
STOP = "\x03"
ELLIPSIS = "…"

_MARKERS = re.compile(f"([{START}{STOP}])")
# Markdown noise that reads badly out of context: emphasis, code ticks, heading and quote marks.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_MARKDOWN_NOISE = re.compile(r"\*{1,3}|_{2,3}|`+|(?m:^\s{0,3}(?:#{1,6}|>+)\s?)")
_SPACES = re.compile(r"\s+")


def marked(raw: str) -> Markup:
    """Escape ``raw`` and turn its START/STOP markers into ``<mark>`` elements."""
    out: list[str] = []
    inside = False
    for piece in _MARKERS.split(raw):
        if piece == START:
            out.append("" if inside else "<mark>")
            inside = True
        elif piece == STOP:
            out.append("</mark>" if inside else "")
            inside = False
        else:
            out.append(str(escape(tidy(piece))))
    if inside:
        out.append("</mark>")
    return Markup("".join(out).strip())


def tidy(text: str) -> str:
    """Collapse whitespace and drop Markdown punctuation from a piece of post source."""
    text = _MARKDOWN_LINK.sub(r"\1", text)
    return _SPACES.sub(" ", _MARKDOWN_NOISE.sub("", text))


def plain(text: str) -> Markup:
    """Escape text that has no highlights (titles and excerpts that matched nothing)."""
    return Markup(escape(text))
