"""Text helpers every rule shares: a same-length Unicode normal form (so offsets found in
it are offsets in the original), span sets, and the URLs no rule should look inside."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache


class Spans:
    """Sorted, non-overlapping spans with a fast "is this offset inside one?" test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def covers(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.spans[i][1]


# --- Unicode: a same-length normal form, so offsets into the original text stay valid --------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_QUOTES = "\u2018\u2019\u02bc\uff07"
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _DASHES:
        return "-"
    if char in _QUOTES:
        return "'"
    if unicodedata.category(char) == "Zs":
        return " "
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and (folded.isascii() or unicodedata.category(folded)[0] == "L"):
        return folded
    return char


def lower(text: str) -> str:
    """Lower-case without changing the length (offsets found in it are offsets in text)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # e.g. "İ"


def normalise(text: str) -> str:
    """NFKC-fold character by character, keeping the length (full-width digits, NBSP...)."""
    if text.isascii():
        return text
    return _NON_ASCII_RE.sub(lambda m: _fold_char(m.group()), text)


_URL_SCHEME_RE = re.compile(r"(?i)\bhttps?$")
_URL_TAIL_RE = re.compile(r"[^\s<>\"')\]]+")
WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def find_all(haystack: str, needle: str) -> Iterator[int]:
    i = haystack.find(needle)
    while i >= 0:
        yield i
        i = haystack.find(needle, i + 1)


def url_spans(text: str) -> Spans:
    spans: list[tuple[int, int]] = []
    for anchor in sorted([*find_all(text, "://"), *find_all(lower(text), "www.")]):
        scheme = _URL_SCHEME_RE.search(text, max(0, anchor - 5), anchor)
        start = scheme.start() if scheme else anchor
        if (text[anchor] == ":" and not scheme) or (spans and start < spans[-1][1]):
            continue
        tail = _URL_TAIL_RE.match(text, anchor)
        spans.append((start, tail.end() if tail else anchor + 3))
    return Spans(spans)
