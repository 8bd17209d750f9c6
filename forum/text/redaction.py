"""Redacting text: which spans go, and finding every copy of what went.

Pure functions over strings. The values redacted live in memory for the length of one
redaction and are never stored or logged; ``Scrubber`` finds their copies (quotes, email
bodies, audit entries...) and replaces them too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from forum import pii

REDACTED = "[redacted]"
#: Shortest text a moderator may mark by hand (shorter would redact ordinary words).
MIN_PHRASE = 3
MAX_PHRASES = 20
OTHER = "other"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def _flexible(value: str) -> str:
    """A pattern for ``value`` that allows any run of white space where it has one, and
    does not match inside a longer word or number."""
    pattern = r"\s+".join(re.escape(part) for part in value.split())
    before = r"(?<!\w)" if value[:1].isalnum() else ""
    after = r"(?!\w)" if value[-1:].isalnum() else ""
    return before + pattern + after


def _digits(value: str) -> str | None:
    """For a number written with spaces or hyphens, a pattern matching it written any way."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) < 6:
        return None
    return r"(?<!\d)" + r"[\s-]?".join(digits) + r"(?!\d)"


def clean_phrases(raw: str) -> list[str]:
    """The moderator's hand-marked texts, one per line: trimmed, blank lines dropped."""
    return [" ".join(line.split()) for line in raw.splitlines() if line.strip()]


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    parts = sorted({_flexible(p) for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def spans_to_redact(
    text: str, fingerprints: Collection[str], phrases: re.Pattern[str] | None, salt: bytes
) -> list[Span]:
    """Detector findings whose fingerprint was chosen, and every hand-marked phrase."""
    spans = [
        Span(f.start, f.end, f.kind)
        for f in pii.scan(text)
        if pii.fingerprint(text, f, salt) in fingerprints
    ]
    if phrases is not None:
        spans += [Span(m.start(), m.end(), OTHER) for m in phrases.finditer(text)]
    return _merged(spans)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged


def apply(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each (sorted, non-overlapping) span replaced by ``[redacted]``."""
    parts, position = [], 0
    for span in spans:
        parts += [text[position : span.start], REDACTED]
        position = span.end
    return "".join(parts) + text[position:]


def _written(value: str) -> set[str]:
    """``value`` as text, and as HTML escapes it (Jinja's and the standard library's)."""
    return {value, str(escape(value)), html.escape(value)}


class Scrubber:
    """Finds and replaces copies of the redacted values: as written, with other spacing or
    case, and HTML-escaped (email bodies)."""

    def __init__(self, values: Iterable[str]) -> None:
        forms = {v for value in values if value.strip() for v in _written(value.strip())}
        parts = {_flexible(v) for v in forms} | {p for v in forms if (p := _digits(v))}
        ordered = sorted(parts, key=len, reverse=True)
        self.pattern = re.compile("|".join(ordered), re.IGNORECASE) if ordered else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def found(self, text: str | None) -> bool:
        return bool(text) and self.pattern is not None and self.pattern.search(text) is not None

    def sub(self, text: str) -> str:
        return self.pattern.sub(REDACTED, text) if self.pattern is not None and text else text

    def sub_json(self, value: Any) -> Any:
        """A copy of a JSON value with every string in it scrubbed."""
        if isinstance(value, str):
            return self.sub(value)
        if isinstance(value, list):
            return [self.sub_json(item) for item in value]
        if isinstance(value, dict):
            return {self.sub(str(k)): self.sub_json(v) for k, v in value.items()}
        return value

    def found_json(self, value: Any) -> bool:
        return self.sub_json(value) != value
