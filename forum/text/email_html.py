"""The HTML part of an email as Markdown-ish text: paragraphs and line breaks kept, bold and
italic as ``**``/``*``, links as ``[text](url)``, list items as ``- ``, everything else as
its text. Enough for what a member types in a mail client; the result goes through the same
reply parser and text pipeline as a plain-text reply. Standard library only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "section", "article", "table", "tr", "blockquote", "ul", "ol", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "header", "footer",
}  # fmt: skip
SKIPPED = {"head", "style", "script", "title", "template"}
EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
LINK_SCHEMES = ("http://", "https://", "mailto:")


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS or tag == "li":
            self.parts.append("\n\n" if tag != "li" else "\n- ")
            self.pre += tag == "pre"
        elif tag in EMPHASIS:
            self.parts.append(EMPHASIS[tag])
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")
            self.pre -= tag == "pre" and self.pre > 0
        elif tag in EMPHASIS:
            self.parts.append(EMPHASIS[tag])
        elif tag == "a" and self.links:
            self._close_link(*self.links.pop())

    def _close_link(self, href: str, start: int) -> None:
        text = "".join(self.parts[start:]).strip()
        if href.startswith(LINK_SCHEMES) and text and text != href.removeprefix("mailto:"):
            self.parts[start:] = [f"[{text}]({href})"]

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data if self.pre else re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    """``html`` as text with light Markdown (see the module's docstring)."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    text = "".join(converter.parts)
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
