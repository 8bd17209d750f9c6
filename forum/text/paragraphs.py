"""Plain text typed in a textarea, shown as paragraphs.

A blank line starts a new paragraph; single line breaks inside a paragraph are joined with a
space, so text wrapped by hand (or pasted from an email) reflows to the reader's screen instead
of breaking mid-sentence. A line that starts like a list item ("- ", "* ", "• ", "1. ", "a) ")
keeps its own line. The text is escaped: it is never Markdown or HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"(?:[-*•–]|\d{1,3}[.)]|[a-zA-Z][.)])\s")


def paragraph_lines(text: str | None) -> list[list[str]]:
    """The paragraphs of text, each a list of its lines once wrapped lines are joined."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines: list[str] = []
        for line in (raw.strip() for raw in block.split("\n")):
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            paragraphs.append(lines)
    return paragraphs


def paragraphs(text: str | None) -> Markup:
    """Text as escaped ``<p>`` elements (the ``paragraphs`` template filter)."""
    return Markup("\n").join(
        Markup("<p>%s</p>") % Markup("<br>\n").join(escape(line) for line in lines)
        for lines in paragraph_lines(text)
    )
