"""Quasi-identifiers worth a gentle note: an exact age of 90 or over, an exact date near a
small place."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from forum.pii.dates import Date
from forum.pii.findings import Finding, make_finding
from forum.pii.folding import WORD_CHARS, lower

# --- Nudges: exact age 90+, exact date with a small place -------------------------------------

# Anchored on a number from 90 to 125, then read in its context: "aged 94", "she's 94",
# "94-year-old", "94 yo", "94F", "94th birthday".
_AGE_NUMBER_RE = re.compile(
    r"[19](?<![0-9.,][19])(?:(?<=9)[0-9]|(?<=1)[0-2][0-9])(?![0-9]|[.,][0-9])"
)
_AGE_KEYWORD_BEFORE_RE = re.compile(
    r"(?i)(?<![\w.-])(?:aged?|age:|turned|(?:she|he|they)(?:'s|\s+is|\s+was|\s+turns)(?:\s+now)?)"
    r"\s*$"
)
_AGE_SUFFIX_RE = re.compile(
    r"(?:[ -]?(?i:years?|yrs?|y)[ -]?(?i:old|of age)|\s?(?i:yo|y/o|y\.o\.)(?!\w)"
    r"|\s?[MF](?![\w])|(?i:st|nd|rd|th) (?i:birthday))(?!\w)"
)
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_AGE_WORDS_RE = re.compile(  # run on lower-cased text
    rf"(?:n(?<!\wn)inety(?:[- ]{_UNITS})?|h(?<!\wh)undred(?:(?: and)?[- ]{_UNITS})?)"
    r"[- ]years?[- ]old\b"
)
_AGE_RANGE_AFTER_RE = re.compile(
    r"(?i)\s*(?:\+|plus\b|[-–]\s*[0-9]|to\s+[0-9]|s\b|'s\b|(?:and|or)\s+(?:over|above|older|"
    r"under|more)|years? and (?:over|above|older)|°|%|(?:degrees?|mm|cm|kg|mg|ml|mins?|minutes?|"
    r"seconds?|days?|weeks?|months?|per\s?cent)\b)"
)
_AGE_RANGE_BEFORE_RE = re.compile(
    r"(?i)(?:\b(?:over|under|above|below|than|between|from|least)|[<>≥≤=])\s*$"
)


def _age_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    keyword = _AGE_KEYWORD_BEFORE_RE.search(text, max(0, m.start() - 24), m.start())
    if keyword:
        if _AGE_RANGE_AFTER_RE.match(text, m.end(), m.end() + 20):
            return None  # "aged 90 and over", "aged 90-95", "turned 90 degrees"
        return keyword.start(), m.end()
    suffix = _AGE_SUFFIX_RE.match(text, m.end())
    if suffix and (m.start() == 0 or text[m.start() - 1] not in ".-" + WORD_CHARS):
        return m.start(), suffix.end()
    return None


def find_ages(text: str) -> Iterator[Finding]:
    for m in _AGE_NUMBER_RE.finditer(text):
        span = _age_span(text, m)
        if span and not _AGE_RANGE_BEFORE_RE.search(text[max(0, span[0] - 12) : span[0]]):
            yield make_finding("exact_age_90_plus", *span)
    lowered = lower(text)
    if "ninety" in lowered or "hundred" in lowered:
        for m in _AGE_WORDS_RE.finditer(lowered):
            yield make_finding("exact_age_90_plus", m.start(), m.end())


_PLACE_CUE = (  # branches start with literals, so the regex engine can skip ahead
    r"Village|village|Street|Road|Lane|Farm|Close|Avenue|Drive|Crescent|Terrace|Mews|Cottages?|"
    r"Gardens|Grove|Hamlet"
)
# A house number makes a street address specific, so more street types are safe there.
_PLACE_CUES = frozenset(
    "Village village Street Road Lane Farm Close Avenue Drive Crescent Terrace Mews Cottage "
    "Cottages Gardens Grove Hamlet".split()
)
_STREET_TYPE_RE = re.compile(
    rf"(?:{_PLACE_CUE}|Row|Walk|Way|Place|Square|Hill|Rise|View|Court|Green|Parade|Yard|Wharf|"
    r"Vale|Chase|Croft|Fold|Wynd|Gate)\b"
)
_ADDRESS_BEFORE_RE = re.compile(r"(?<![\w.,/])[0-9]{1,4}[a-z]?,? (?:[A-Z][a-z]+ ){1,3}$")
_PLACE_BEFORE_RE = re.compile(
    r"\b(?:in|at|from|near|on|outside)\s+(?:the\s+)?(?P<name>(?:[A-Z][a-z]+[ -]){1,3})$"
)
_NAMED_PLACE_RE = re.compile(r"of (?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)")
_SETTLEMENT_BEFORE_RE = re.compile(r"(?i)\b(?:village|hamlet|town) $")
_ORGANISATION_AFTER_RE = re.compile(
    r"\s+(?:Surgery|Practice|Medical|Health|Hospital|Clinic|Pharmacy|Primary|School|Care|"
    r"Nursing|Residential|Hospice|Centre|Center|Partnership|PCN|Dental|Day)\b"
)
_EVENT_WINDOW = 100


def _place_spans(text: str) -> Iterator[tuple[int, int]]:
    for m in _STREET_TYPE_RE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        address = _ADDRESS_BEFORE_RE.search(before)
        cue = m.group() in _PLACE_CUES
        place = None if address or not cue else _PLACE_BEFORE_RE.search(before)
        found = address or place
        if found and not _ORGANISATION_AFTER_RE.match(text, m.end()):
            start = m.start() - len(before) + (found.start("name") if place else found.start())
            yield start, m.end()
    for m in _NAMED_PLACE_RE.finditer(text):
        if _SETTLEMENT_BEFORE_RE.search(text, max(0, m.start() - 8), m.start()):
            yield m.span("name")


def find_event_places(text: str, dates: list[Date]) -> Iterator[Finding]:
    starts = [d.start for d in dates]
    for start, end in _place_spans(text):
        low = bisect_left(starts, start - _EVENT_WINDOW - 40)  # no date is 40 characters long
        near = dates[low : bisect_right(starts, end + _EVENT_WINDOW)]
        if any(d.start < end + _EVENT_WINDOW and d.end > start - _EVENT_WINDOW for d in near):
            yield make_finding("event_date_place", start, end)
