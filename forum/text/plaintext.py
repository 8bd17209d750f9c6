"""The text of rendered HTML: for excerpts in emails, feeds, search results and previews."""

from __future__ import annotations

from html.parser import HTMLParser

_BREAKING_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        if tag in _BREAKING_TAGS:
            alt = dict(attrs).get("alt") if tag == "img" else None
            self.parts.append(f" {alt or ''} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS and self.hidden:
            self.hidden -= 1
        if tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def to_plaintext(html_text: str) -> str:
    """Return the text of an HTML fragment: tags stripped, entities decoded, spaces collapsed."""
    extractor = _TextExtractor()
    extractor.feed(html_text)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def excerpt(html_text: str, length: int = 200) -> str:
    """Return at most length characters of the HTML's text, cut at a word, with an ellipsis."""
    text = to_plaintext(html_text)
    if len(text) <= length:
        return text
    cut = text[: max(length, 1)]
    head = cut.rpartition(" ")[0] or cut[:-1]
    return head.rstrip(" .,;:") + "…"
