"""Numbers that identify a person: NHS, CHI and H&C numbers (Modulus 11, nation by range),
hospital numbers and National Insurance numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from forum.pii.dates import valid_day
from forum.pii.findings import Finding, make_finding
from forum.pii.folding import Spans, find_all, lower

# --- Modulus 11 health numbers (NHS, CHI, H&C) ------------------------------------------------


def is_valid_mod11(digits: str) -> bool:
    """Return True if ten digits carry a valid NHS-style Modulus 11 check digit."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return False
    return (0 if check == 11 else check) == int(digits[9])


def _is_ddmmyy(digits: str) -> bool:
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    return valid_day(day, month, 2000 + year if year % 4 == 0 else 2001)


def health_number_kind(digits: str) -> str | None:
    """Return the kind of a valid ten-digit health number from its allocation range, or None."""
    if not is_valid_mod11(digits):
        return None
    value = int(digits)
    if 101010000 <= value <= 3112999999 and _is_ddmmyy(digits):
        return "chi_number"  # Scotland: DDMMYY + 4 digits
    if 3200000010 <= value <= 3999999999:
        return "hc_number"  # Northern Ireland
    if 3000000000 <= value < 3200000000 or 4000000000 <= value <= 4999999999:
        return "nhs_number"
    if 6000000000 <= value <= 7999999999 or 9990000000 <= value:
        # 999 000 0000-999 999 9999 is the national test range, never issued, often pasted.
        return "nhs_number"
    return None


_HEALTH_NUMBER_RE = re.compile(
    r"[0-9](?<![0-9][0-9])(?<![0-9][.,/:-][0-9])"
    r"(?:[0-9]{2}([ -]?)[0-9]{3}\1[0-9]{4}|(?P<chi>[0-9]{5}[ -][0-9]{4}))"
    r"(?![0-9])(?![.,/:-][0-9])"
)
_INTL_PREFIX_RE = re.compile(r"(?:\+|\b00)\s?44\s?(?:\(0\)\s?)?$")
_HEALTH_LABEL_RE = re.compile(r"(?i)\b(?:nhs|chi|h\s?&\s?c|health and care)\b")
# A number introduced as a code or a reference of something else is not a patient's number.
_CODE_CONTEXT_RE = re.compile(
    r"(?i)(?:\b(?:snomed(?: ct)?|sctid|concept(?: id)?|read code|ctv3|codes?|coded)\b[^0-9\n]{0,12}"
    r"|\b(?:reference|ref|order|invoice|accession|tracking|datix|barcode|isbn|doi|pmid|batch|lot|"
    r"serial)\b[^0-9\n]{0,40})$"
)
_PHONE_WORD_RE = re.compile(r"(?i)\b(?:tel|telephone|phone|mob|mobile|call|ring|landline)\b")
_LABEL_KIND = (("chi", "chi_number"), ("h", "hc_number"), ("nhs", "nhs_number"))


def _labelled_kind(window: str) -> str | None:
    labels = _HEALTH_LABEL_RE.findall(window)
    if not labels:
        return None
    last = labels[-1].lower()
    return next(kind for prefix, kind in _LABEL_KIND if last.startswith(prefix))


def _health_kind_in_context(text: str, start: int, end: int, digits: str) -> str | None:
    before = text[max(0, start - 40) : start]
    labelled = _labelled_kind(before) or _labelled_kind(text[end : end + 15])
    if _INTL_PREFIX_RE.search(before):
        return None  # the tail of a +44 phone number
    if labelled is None and _CODE_CONTEXT_RE.search(before):
        return None
    if digits[0] == "0" and labelled is None and _PHONE_WORD_RE.search(before[-25:]):
        return None
    kind = health_number_kind(digits)
    if kind is None and labelled is not None and is_valid_mod11(digits):
        return labelled  # a valid number outside the allocated ranges, but named as one
    return kind


def find_health_numbers(text: str, urls: Spans) -> Iterator[Finding]:
    for m in _HEALTH_NUMBER_RE.finditer(text):
        if urls.covers(m.start()):
            continue
        digits = m.group().replace(" ", "").replace("-", "")
        kind = _health_kind_in_context(text, m.start(), m.end(), digits)
        if kind and (kind == "chi_number" or not m["chi"]):  # DDMMYY NNNN is CHI's grouping
            yield make_finding(kind, m.start(), m.end())


# --- Hospital numbers and National Insurance numbers ------------------------------------------

_HOSPITAL_LABELS = ("mrn", "hosp", "unit n", "pas n", "pas i", "patient id", "case note")
_HOSPITAL_ID = (
    r"\s*(?:is\s+|was\s+|of\s+)?[:#=-]?\s*"
    r"(?P<id>(?=[A-Za-z0-9/-]*[0-9])[A-Za-z0-9][A-Za-z0-9/-]{2,15})(?![\w/-])"
)
_HOSPITAL_NUMBER_RE = re.compile(
    r"(?:[Mm](?<!\w[Mm])(?i:rn)\b"
    r"|[Hh](?<!\w[Hh])(?i:osp(?:ital\s+(?:number|no\.?|num|id|#)|\.?\s*(?:number|no\.?|#)))"
    r"|[Uu](?<!\w[Uu])(?i:nit\s+(?:number|no\.?))"
    r"|[Pp](?<!\w[Pp])(?i:as\s+(?:number|no\.?|id)|atient\s+id)"
    rf"|[Cc](?<!\w[Cc])(?i:ase\s+note\s+(?:number|no\.?))){_HOSPITAL_ID}"
)
# Local numbers named after the trust's code: "RTH number", "RXH no".
_TRUST_NUMBER_RE = re.compile(rf"R(?<!\wR)[A-Z0-9]{{2}}\s+(?i:number|no\.?){_HOSPITAL_ID}")
_NI_DIGITS_RE = re.compile(r"[0-9](?<![0-9][0-9])[0-9] ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]\b")
_NI_PREFIX_RE = re.compile(r"(?i)(?<!\w)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?$")  # official rules
_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def find_hospital_numbers(text: str) -> Iterator[Finding]:
    lowered = lower(text)
    at_labels = (
        _HOSPITAL_NUMBER_RE.match(text, i)
        for label in _HOSPITAL_LABELS
        for i in find_all(lowered, label)
    )
    for m in (*at_labels, *_TRUST_NUMBER_RE.finditer(text)):
        if m:
            yield make_finding("hospital_number", m.start("id"), m.end("id"))


def find_ni_numbers(text: str) -> Iterator[Finding]:
    for m in _NI_DIGITS_RE.finditer(text):
        prefix = _NI_PREFIX_RE.search(text, max(0, m.start() - 3), m.start())
        if prefix is None or prefix.group()[:2].upper() in _NI_NEVER_ISSUED:
            continue
        token = text[prefix.start() : m.end()]
        if token.isupper() or (token.islower() and " " not in token):
            yield make_finding("ni_number", prefix.start(), m.end())
