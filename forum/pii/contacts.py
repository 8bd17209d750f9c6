"""Postcodes, phone numbers and email addresses (published service lines are not flagged)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from forum.pii.findings import Finding, make_finding

# --- Postcodes (official outward/inward formats and letter rules) -----------------------------

# Anchored on the inward code (digit + two letters, never C I K M O V), then the outward code
# before it: A9, A99, A9A, AA9, AA99, AA9A with the per-position letter rules.
_INWARD_RE = re.compile(r"(?i)[0-9][ABD-HJLNP-UW-Z]{2}(?![\w/-])")
_OUTWARD_BEFORE_RE = re.compile(
    r"(?i)(?<![\w/.-])(?:[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY])|GIR) ?$"
)
# Inward codes that also spell ordinals ("B12 2nd dose") or the two-week-wait abbreviation.
_ORDINAL_INWARD_RE = re.compile(r"(?i)(?:1st|2nd|3rd|[0-9]th)$")
_CLINICAL_INWARD = frozenset({"2WW"})


def find_postcodes(text: str) -> Iterator[Finding]:
    for m in _INWARD_RE.finditer(text):
        outward = _OUTWARD_BEFORE_RE.search(text, max(0, m.start() - 5), m.start())
        inward = m.group()
        if outward is None or inward.upper() in _CLINICAL_INWARD:
            continue
        is_gir = outward.group().strip().upper() == "GIR"
        if is_gir != (inward.upper() == "0AA"):
            continue  # GIR 0AA is the one non-standard postcode
        code = text[outward.start() : m.end()]
        if _ORDINAL_INWARD_RE.match(inward) and not code.isupper():
            continue
        yield make_finding("postcode", outward.start(), m.end())


# --- Email addresses -------------------------------------------------------------------------

_EMAIL_DOMAIN_RE = re.compile(
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_EMAIL_LOCAL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*$")


def find_emails(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for m in _EMAIL_DOMAIN_RE.finditer(text):
        local = _EMAIL_LOCAL_RE.search(text, max(0, m.start() - 64), m.start())
        if local:
            yield make_finding("email", local.start(), m.end())


# --- Phone numbers ----------------------------------------------------------------------------

_PHONE_RE = re.compile(
    r"(?P<prefix>\+(?<![\w+/.]\+) ?44 ?(?:\(0\) ?)?|0(?<![\w+/.]0)(?:044 ?)?"
    r"|\((?<![\w+/.]\()0(?=[0-9]{2,5}\)))"
    r"(?P<body>[1-9](?:[ -]?\)?[ -]?[0-9]){9})(?![0-9])(?![/.][0-9])"
)
_SERVICE_WORDS = (
    r"help ?line|line|switchboard|hotline|reception|bleep|fax|hub|spa|single point of access|"
    r"secretar(?:y|ies)|ward|team|service|department|dept|practice|surgery|clinic|office|desk|"
    r"pathway|hospital|trust|pharmacy|hospice|on-?call|out of hours|ooh|samaritans|charity|website|"
    r"lmc|icb|pcn|ccg|council|lab|laboratory|radiology|pathology"
)
_PERSONAL_WORDS = (
    r"mobile|mob|home|her|his|their|patient'?s?|daughter|son|wife|husband|partner|mum|mother|"
    r"father|dad|carer|relative|neighbour|personal|private|next of kin|nok"
)
_CUE_RE = re.compile(rf"(?i)\b(?:(?P<service>{_SERVICE_WORDS})|(?P<personal>{_PERSONAL_WORDS}))\b")
_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_PHONE_WINDOW = 40


def _phone_groups_ok(match: re.Match[str]) -> bool:
    """Accept the usual UK groupings: an area or mobile prefix, then at most three groups."""
    groups = [g for g in re.split(r"[ ()-]+", match["body"]) if g]
    international = match["prefix"].startswith(("+", "00"))
    first = len(groups[0]) if international else len(groups[0]) + 1
    if len(groups) > 4 or (len(groups) > 1 and not (2 if international else 3) <= first <= 6):
        return False
    return all(len(g) >= 2 for g in groups)


def _nearest_cue(text: str, start: int, end: int) -> re.Match[str] | None:
    before = text[max(0, start - _PHONE_WINDOW) : start]
    after = _SENTENCE_END_RE.split(text[end : end + _PHONE_WINDOW], maxsplit=1)[0]
    cues_before = list(_CUE_RE.finditer(before))
    last_before = cues_before[-1] if cues_before else None
    first_after = _CUE_RE.search(after)
    if last_before is None or first_after is None:
        return last_before or first_after
    nearer_after = first_after.start() < len(before) - last_before.end()
    return first_after if nearer_after else last_before


def _is_service_line(text: str, match: re.Match[str]) -> bool:
    if match["body"][0] in "3589":
        return True  # non-geographic 03, 05, 08, 09: organisations, not people
    cue = _nearest_cue(text, match.start(), match.end())
    return cue is not None and cue["service"] is not None  # the nearest context word decides


def find_phones(text: str) -> Iterator[Finding]:
    for m in _PHONE_RE.finditer(text):
        if _phone_groups_ok(m) and not _is_service_line(text, m):
            yield make_finding("phone", m.start(), m.end())
