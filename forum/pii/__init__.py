"""Patient-identifier detector: text in, findings (kind, span, severity) out.

Pure Python, no network, never logs matched text; ``scan`` runs the rule modules and keeps the
most severe of overlapping findings. Each rule, and why it is fast: docs/pii.md
"""

from __future__ import annotations

import hashlib
import hmac
import re
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date

from forum.pii.contacts import find_emails, find_phones, find_postcodes
from forum.pii.dates import find_dates, find_dobs
from forum.pii.findings import (
    KIND_LABELS,
    KIND_NAMES,
    KIND_PHRASES,
    RANK,
    SEVERITY,
    SEVERITY_ORDER,
    Finding,
)
from forum.pii.folding import normalise, url_spans
from forum.pii.names import find_titled_names
from forum.pii.nudges import find_ages, find_event_places
from forum.pii.numbers import (
    find_health_numbers,
    find_hospital_numbers,
    find_ni_numbers,
    health_number_kind,
    is_valid_mod11,
)

__all__ = [
    "KIND_LABELS",
    "KIND_NAMES",
    "KIND_PHRASES",
    "SEVERITY",
    "SEVERITY_ORDER",
    "Finding",
    "fingerprint",
    "health_number_kind",
    "is_valid_mod11",
    "scan",
    "worst_severity",
]


def _resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Keep non-overlapping findings, preferring the most severe, then the longest."""
    ranked = sorted(findings, key=lambda f: (-RANK[f.severity], f.start - f.end, f.start))
    kept: list[Finding] = []  # sorted by start, never overlapping
    starts: list[int] = []
    for finding in ranked:
        i = bisect_left(starts, finding.start)
        if i > 0 and kept[i - 1].end > finding.start:
            continue
        if i < len(kept) and kept[i].start < finding.end:
            continue
        kept.insert(i, finding)
        starts.insert(i, finding.start)
    return kept


def scan(text: str, *, today: date | None = None) -> list[Finding]:
    """Return the identifiers found in text, sorted by start offset."""
    if not text:
        return []
    folded = normalise(text)
    today = today or date.today()
    dates = find_dates(folded, today)
    urls = url_spans(folded)
    found: list[Finding] = [
        *find_health_numbers(folded, urls),
        *find_dobs(folded, dates, today),
        *find_postcodes(folded),
        *find_titled_names(folded),
        *find_hospital_numbers(folded),
        *find_phones(folded),
        *find_emails(folded),
        *find_ni_numbers(folded),
        *find_ages(folded),
        *find_event_places(folded, dates),
    ]
    return _resolve(f for f in found if f.kind == "email" or not urls.covers(f.start))


def worst_severity(findings: Iterable[Finding]) -> str | None:
    """Return the most severe severity among findings, or None when there are none."""
    ranks = [RANK[f.severity] for f in findings]
    return SEVERITY_ORDER[len(SEVERITY_ORDER) - max(ranks)] if ranks else None


_DIGIT_KINDS = frozenset(
    {"nhs_number", "chi_number", "hc_number", "date_of_birth", "exact_age_90_plus"}
)


def _normalised_value(text: str, finding: Finding) -> str:
    """Digits only for numbers (+44 read as 0), case and spacing folded for the rest."""
    value = normalise(text[finding.start : finding.end])
    if finding.kind == "phone":
        digits = re.sub(r"[^0-9]", "", value.replace("(0)", ""))
        if value.startswith("+"):
            return "0" + digits[2:]
        return "0" + digits[4:] if value.startswith("0044") else digits
    if finding.kind in _DIGIT_KINDS:
        return re.sub(r"[^0-9a-z]", "", value.lower())
    return re.sub(r"[\s.]+", "", value).casefold()


def fingerprint(text: str, finding: Finding, salt: bytes) -> str:
    """Return a salted SHA-256 (HMAC) hex digest of the finding's normalised value."""
    value = f"{finding.kind}:{_normalised_value(text, finding)}".encode()
    return hmac.new(salt, value, hashlib.sha256).hexdigest()
