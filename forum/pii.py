"""Patient-identifier detector: text in, findings (kind, span, severity) out.

Pure Python, no network, never logs matched text. Rules are principled (check digits, official
formats, short context windows), not tuned to an example corpus; docs/pii.md explains each one.

Speed: every pattern starts with a literal or a character class (word-boundary look-behinds come
after the first character) so the regex engine can skip ahead, and context windows are bounded.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "KIND_LABELS",
    "SEVERITY",
    "SEVERITY_ORDER",
    "Finding",
    "fingerprint",
    "health_number_kind",
    "is_valid_mod11",
    "scan",
    "worst_severity",
]

#: Most severe first.
SEVERITY_ORDER: tuple[str, ...] = ("block", "confirm", "nudge")
_RANK = {name: len(SEVERITY_ORDER) - i for i, name in enumerate(SEVERITY_ORDER)}

SEVERITY: dict[str, str] = {
    "nhs_number": "block",
    "chi_number": "block",
    "hc_number": "block",
    "date_of_birth": "confirm",
    "postcode": "confirm",
    "titled_name": "confirm",
    "hospital_number": "confirm",
    "phone": "confirm",
    "email": "confirm",
    "ni_number": "confirm",
    "exact_age_90_plus": "nudge",
    "event_date_place": "nudge",
}

KIND_LABELS: dict[str, str] = {
    "nhs_number": "This looks like an NHS number (the check digit is valid). Remove it: NHS "
    "numbers identify a patient.",
    "chi_number": "This looks like a Scottish CHI number (a date of birth followed by a valid "
    "check digit). Remove it: CHI numbers identify a patient.",
    "hc_number": "This looks like a Northern Ireland Health and Care number (the check digit is "
    "valid). Remove it: H&C numbers identify a patient.",
    "date_of_birth": "This looks like a full date of birth. Give an age or an age range instead: "
    "a date of birth helps identify a patient.",
    "postcode": "This looks like a full postcode. Remove it or give the area only (e.g. 'LS1'): "
    "a full postcode covers a handful of homes.",
    "titled_name": "This looks like a person's name with a title (Mr, Mrs, Ms...). If it is a "
    "patient or a relative, remove it or use a placeholder such as 'Mrs A'.",
    "hospital_number": "This looks like a hospital or unit number. Remove it: local record "
    "numbers identify a patient.",
    "phone": "This looks like a personal phone number. Remove it unless it is a published "
    "service line.",
    "email": "This looks like an email address. Remove it unless it is a published service "
    "mailbox.",
    "ni_number": "This looks like a National Insurance number. Remove it: it identifies a person.",
    "exact_age_90_plus": "An exact age of 90 or over is rare enough to help identify someone. "
    "Consider 'over 90' instead.",
    "event_date_place": "An exact date together with a small place (a street, village or farm) "
    "can identify someone. Consider removing one of them.",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    severity: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "severity": self.severity}


def _finding(kind: str, start: int, end: int) -> Finding:
    return Finding(kind, start, end, SEVERITY[kind])


class _Spans:
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


def _lower(text: str) -> str:
    """Lower-case without changing the length (offsets found in it are offsets in text)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # e.g. "İ"


def _normalise(text: str) -> str:
    """NFKC-fold character by character, keeping the length (full-width digits, NBSP...)."""
    if text.isascii():
        return text
    return _NON_ASCII_RE.sub(lambda m: _fold_char(m.group()), text)


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
    return _valid_day(day, month, 2000 + year if year % 4 == 0 else 2001)


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
_URL_SCHEME_RE = re.compile(r"(?i)\bhttps?$")
_URL_TAIL_RE = re.compile(r"[^\s<>\"')\]]+")
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


def _find_all(haystack: str, needle: str) -> Iterator[int]:
    i = haystack.find(needle)
    while i >= 0:
        yield i
        i = haystack.find(needle, i + 1)


def _url_spans(text: str) -> _Spans:
    spans: list[tuple[int, int]] = []
    for anchor in sorted([*_find_all(text, "://"), *_find_all(_lower(text), "www.")]):
        scheme = _URL_SCHEME_RE.search(text, max(0, anchor - 5), anchor)
        start = scheme.start() if scheme else anchor
        if (text[anchor] == ":" and not scheme) or (spans and start < spans[-1][1]):
            continue
        tail = _URL_TAIL_RE.match(text, anchor)
        spans.append((start, tail.end() if tail else anchor + 3))
    return _Spans(spans)


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


def _find_health_numbers(text: str, urls: _Spans) -> Iterator[Finding]:
    for m in _HEALTH_NUMBER_RE.finditer(text):
        if urls.covers(m.start()):
            continue
        digits = m.group().replace(" ", "").replace("-", "")
        kind = _health_kind_in_context(text, m.start(), m.end(), digits)
        if kind and (kind == "chi_number" or not m["chi"]):  # DDMMYY NNNN is CHI's grouping
            yield _finding(kind, m.start(), m.end())


# --- Dates --------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Each branch starts with a character class; "may" is a verb, so only "May"/"MAY".
_MONTH = (
    r"(?:[Jj](?i:an(?:uary)?|une?|uly?)|[Ff](?i:eb(?:ruary)?)|[Mm](?i:ar(?:ch)?)|May|MAY"
    r"|[Aa](?i:pr(?:il)?|ug(?:ust)?)|[Ss](?i:ep(?:t(?:ember)?)?)|[Oo](?i:ct(?:ober)?)"
    r"|[Nn](?i:ov(?:ember)?)|[Dd](?i:ec(?:ember)?))"
)
_MONTH_TAILS = (
    r"an(?:uary)?|une?|uly?|eb(?:ruary)?|ar(?:ch)?|ay|pr(?:il)?|ug(?:ust)?|ep(?:t(?:ember)?)?|"
    r"ct(?:ober)?|ov(?:ember)?|ec(?:ember)?"
)
_ORD = r"(?i:st|nd|rd|th)?"
_NUMERIC_DATE_RE = re.compile(
    r"(?P<d>[0-9](?<![0-9][0-9])(?<![0-9][/.:-][0-9])[0-9]?)(?P<sep>[/.-])(?P<m>[0-9]{1,2})"
    r"(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])(?![/.-][0-9])"
)
_ISO_DATE_RE = re.compile(
    r"(?P<y>[12](?<![0-9][12])[09][0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![0-9])"
)
_DAY_MONTH_RE = re.compile(
    rf"(?P<d>[0-9](?<!\w[0-9])[0-9]?){_ORD}(?:\s+of\s+|\s+|[-/.])(?=[ADFJMNOSadfjmnos])"
    rf"(?P<mon>{_MONTH})"
    r"\b\.?(?:(?:,?\s+|[-/.])(?P<y>(?:1[89]|20)[0-9]{2})\b)?"
)
_MONTH_DAY_RE = re.compile(  # month first: capitalised, as in "April 3rd 1956"
    rf"(?P<mon>[JFMASOND](?<!\w[JFMASOND])(?i:{_MONTH_TAILS}))\b\.?\s+(?P<d>[0-9]{{1,2}}){_ORD}\b"
    r"(?:,?\s+(?P<y>(?:1[89]|20)[0-9]{2})\b)?"
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    year: int | None  # four digits; a two-digit year is read as the latest year not in the future


def _valid_day(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return False
    leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    return not (month == 2 and day == 29 and not leap)


def _full_year(raw: str, today: date) -> int:
    if len(raw) == 4:
        return int(raw)
    year = today.year // 100 * 100 + int(raw)
    return year if year <= today.year else year - 100


_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _numeric_dates(text: str, today: date) -> Iterator[_Date]:
    for m in _NUMERIC_DATE_RE.finditer(text):
        day, month, year = int(m["d"]), int(m["m"]), _full_year(m["y"], today)
        if _valid_day(day, month, year) or _valid_day(month, day, year):  # UK, or US order
            yield _Date(m.start(), m.end(), year)
    for m in _ISO_DATE_RE.finditer(text):
        if _valid_day(int(m["d"]), int(m["m"]), int(m["y"])):
            yield _Date(m.start(), m.end(), int(m["y"]))


def _text_dates(text: str) -> Iterator[_Date]:
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for m in pattern.finditer(text):
            year = int(m["y"]) if m["y"] else None
            month = _MONTHS.get(m["mon"][:3].lower(), 0)
            if _starts_word(text, m.start()) and _valid_day(int(m["d"]), month, year):
                yield _Date(m.start(), m.end(), year)


def _find_dates(text: str, today: date) -> list[_Date]:
    return sorted([*_numeric_dates(text, today), *_text_dates(text)], key=lambda d: d.start)


# --- Names with a title (shared by titled names and dates of birth) ---------------------------

_NOT_NAMES = (
    "The|And|Of|In|On|At|To|For|With|Class|Classes|Plan|Key|Degree|Card|Copy|File|List|Chef|"
    "Builder|Mind|Patient|Index|Data|Record|Sheet|Document|Switch|Bedroom|Suite|January|February|March|April|June|July|August|September|October|November|"
    "December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)


def _latin_letters(predicate: Callable[[str], bool]) -> str:
    latin = [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]  # basic, extended, Vietnamese...
    return "".join(re.escape(chr(c)) for c in latin if predicate(chr(c)))


_UP, _LOW = _latin_letters(str.isupper), _latin_letters(str.islower)  # Ł, Ø, É, ñ...
_PARTICLES = r"(?:(?:de|van|von|der|den|da|di|du|del|della|la|le|ten|ter|bin|ibn)[ \t]+){0,2}"
_NAME = (
    rf"(?!(?:{_NOT_NAMES})\b)(?:(?:al|el|Al|El)-)?(?:Ma?c|O'|D')?[{_UP}][{_LOW}]+"
    rf"(?:[-'][{_UP}][{_LOW}]+)*"
)
_TITLE = r"M(?<!\wM)(?:rs|r|s|iss|x|aster)\b\.?"
_FORENAMES = rf"(?:(?:{_NAME}|[{_UP}]\.?)[ \t]+){{0,2}}"
_FULL_NAME = rf"{_TITLE}[ \t]+{_FORENAMES}{_PARTICLES}{_NAME}"
_TITLED_NAME_RE = re.compile(_FULL_NAME)
# Upper case is how hospital systems print names, but "MR"/"MS" are also mitral regurgitation and
# multiple sclerosis: accept upper case after a "Name:"-style label, or for the unambiguous "MRS".
_UPPER_NAME_RE = re.compile(
    rf"M(?<!\wM)(?P<title>RS|R|S|ISS|X|ASTER)\b\.?[ \t]+"
    rf"(?P<name>[{_UP}][{_UP}'-]+(?:[ \t]+[{_UP}][{_UP}'-]+){{0,2}})\b"
)
_HEADER_LABEL_RE = re.compile(r"(?i)\b(?:name|patient|pt|re|surname)\s*[:\t-]\s*$")

# --- Date of birth ----------------------------------------------------------------------------

_DOB_WORD = r"(?:d\.?o\.?b\.?|date of birth|birth ?date|born|birthday)"
_DOB_BEFORE_RE = re.compile(rf"(?i)\b{_DOB_WORD}(?![a-z])[^\n]{{0,30}}$")
_DOB_AFTER_RE = re.compile(rf"(?i)\s*[(\[]\s*{_DOB_WORD}\s*[)\]]")
# "born before 1 Sept 1950": a date after a comparison is an eligibility rule, not a person's.
_CRITERION_BEFORE_RE = re.compile(
    r"(?i)\b(?:before|after|on or (?:before|after)|between|from|since|prior to|until)\s*$"
)
# Letters and summaries write a date of birth in brackets after the name: "Mrs Jones (3/4/56)".
_NAME_BEFORE_RE = re.compile(rf"{_FULL_NAME}\s*\(\s*$")
# A full date straight after a patient's name is a birth date when it is years old, not a visit.
_NAME_ADJACENT_RE = re.compile(rf"{_FULL_NAME}[ \t]*[,:;-]?[ \t]*$")
_YEARS_BEFORE_BIRTH_DATE = 5
_AGED_BEFORE_RE = re.compile(r"(?i)\baged?\s*:?\s*(?P<age>[0-9]{1,3})\b[^\n]{0,25}$")


def _age_consistent(age: int, year: int, today: date) -> bool:
    return today.year - year - 1 <= age <= today.year - year


def _is_dob(text: str, when: _Date, previous_end: int, next_start: int, today: date) -> bool:
    if when.year is None:
        return False  # a day and month without a year is not a full date
    before = text[max(previous_end, when.start - 40) : when.start]
    if _CRITERION_BEFORE_RE.search(before):
        return False
    if _DOB_BEFORE_RE.search(before) or _DOB_AFTER_RE.match(text, when.end, next_start):
        return True
    if _NAME_BEFORE_RE.search(before):
        return True
    if _NAME_ADJACENT_RE.search(before) and when.year <= today.year - _YEARS_BEFORE_BIRTH_DATE:
        return True
    aged = _AGED_BEFORE_RE.search(before)
    return aged is not None and _age_consistent(int(aged["age"]), when.year, today)


def _find_dobs(text: str, dates: list[_Date], today: date) -> Iterator[Finding]:
    for i, when in enumerate(dates):
        previous_end = dates[i - 1].end if i else 0
        next_start = dates[i + 1].start if i + 1 < len(dates) else len(text)
        if _is_dob(text, when, previous_end, min(next_start, when.end + 16), today):
            yield _finding("date_of_birth", when.start, when.end)


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


def _find_postcodes(text: str) -> Iterator[Finding]:
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
        yield _finding("postcode", outward.start(), m.end())


# --- Titled names -------------------------------------------------------------------------------

# Clinicians and colleagues named with a title: UK surgeons are "Mr"/"Miss", nurses often "Mrs".
_ROLE_NOUN = (
    r"(?:consultants?|surgeons?|urologists?|gyn(?:a)?ecologists?|obstetricians?|registrars?|"
    r"frcs|spr|ophthalmologists?|an(?:a)?esthetists?|oncologists?|physicians?|"
    r"neurosurgeons?|nurses?|sisters?|matron|midwife|midwives|health visitors?|pharmacists?|"
    r"physio(?:therapist)?s?|managers?|receptionists?|secretary|colleagues?|anps?|hcas?|"
    r"paramedics?|physician associates?|nurse practitioners?|care coordinators?|"
    r"social prescribers?|gps?|doctors?|leads?)"
)
_SPECIALTY = (
    r"(?:colorectal|vascular|ent|urology|urological|breast|orthop(?:a)?edics?|orthop(?:a)?edic|"
    r"plastics?|upper gi|lower gi|hpb|max ?fax|cardiothoracic|general surgical|surgical|"
    r"gyn(?:a)?(?:ecology)?|gynae|obs|o&g|paeds|paediatrics|derm(?:atology)?|rheum(?:atology)?|"
    r"cardio(?:logy)?|neuro(?:logy)?|resp(?:iratory)?|gastro(?:enterology)?|ortho|haem(?:atology)?|"
    r"onc(?:ology)?|ophthalmology|spinal|hand|trauma)"
)
_QUALIFIERS = (
    r"(?:(?:practice|district|community|specialist|senior|lead|clinical|advanced|new|locum|"
    r"palliative|diabetes|respiratory|research|salaried|trainee)\s+)*"
)
_CLINICIAN_BEFORE_RE = re.compile(
    rf"(?i)(?:\b{_ROLE_NOUN}[\s,:(-]*|\b(?:referred(?: \w+)?(?: back)? to|referral to|"
    r"refer(?: \w+)? to|under(?: the care of)?|care of|seen by|reviewed by|operated on by|"
    r"clinic letter from|clinic with|listed by|advice from)\s+)$"
)
_CLINICIAN_AFTER_RE = re.compile(
    r"(?i)(?:'s\s+(?:clinic|list|team|firm|secretary|registrar|theatre|outpatient|letter|"
    r"opinion|paper|review|\d{4})|\s+et al\b|\s*\((?:19|20)\d\d\)"
    rf"|\s*[,(-]?\s*(?:is\s+)?(?:the\s+|a\s+|our\s+)?{_QUALIFIERS}(?:{_SPECIALTY}\s+)?"
    rf"{_ROLE_NOUN}\b|\s*\((?:consultant\s+)?{_SPECIALTY}\))"
)


def _is_clinician(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 45) : start]
    return bool(_CLINICIAN_BEFORE_RE.search(before) or _CLINICIAN_AFTER_RE.match(text, end))


def _titled_name_spans(text: str) -> Iterator[tuple[int, int]]:
    yield from (m.span() for m in _TITLED_NAME_RE.finditer(text))
    for m in _UPPER_NAME_RE.finditer(text):
        labelled = _HEADER_LABEL_RE.search(text[max(0, m.start() - 20) : m.start()])
        if labelled or (m["title"] == "RS" and len(m["name"]) >= 3):
            yield m.span()


def _find_titled_names(text: str) -> Iterator[Finding]:
    for start, end in _titled_name_spans(text):
        if not _is_clinician(text, start, end):
            yield _finding("titled_name", start, end)


# --- Hospital numbers, emails, NI numbers -----------------------------------------------------

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
_EMAIL_DOMAIN_RE = re.compile(
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_EMAIL_LOCAL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*$")
_NI_DIGITS_RE = re.compile(r"[0-9](?<![0-9][0-9])[0-9] ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]\b")
_NI_PREFIX_RE = re.compile(r"(?i)(?<!\w)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?$")  # official rules
_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _find_hospital_numbers(text: str) -> Iterator[Finding]:
    lowered = _lower(text)
    at_labels = (
        _HOSPITAL_NUMBER_RE.match(text, i)
        for label in _HOSPITAL_LABELS
        for i in _find_all(lowered, label)
    )
    for m in (*at_labels, *_TRUST_NUMBER_RE.finditer(text)):
        if m:
            yield _finding("hospital_number", m.start("id"), m.end("id"))


def _find_emails(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for m in _EMAIL_DOMAIN_RE.finditer(text):
        local = _EMAIL_LOCAL_RE.search(text, max(0, m.start() - 64), m.start())
        if local:
            yield _finding("email", local.start(), m.end())


def _find_ni_numbers(text: str) -> Iterator[Finding]:
    for m in _NI_DIGITS_RE.finditer(text):
        prefix = _NI_PREFIX_RE.search(text, max(0, m.start() - 3), m.start())
        if prefix is None or prefix.group()[:2].upper() in _NI_NEVER_ISSUED:
            continue
        token = text[prefix.start() : m.end()]
        if token.isupper() or (token.islower() and " " not in token):
            yield _finding("ni_number", prefix.start(), m.end())


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


def _find_phones(text: str) -> Iterator[Finding]:
    for m in _PHONE_RE.finditer(text):
        if _phone_groups_ok(m) and not _is_service_line(text, m):
            yield _finding("phone", m.start(), m.end())


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
    if suffix and (m.start() == 0 or text[m.start() - 1] not in ".-" + _WORD_CHARS):
        return m.start(), suffix.end()
    return None


def _find_ages(text: str) -> Iterator[Finding]:
    for m in _AGE_NUMBER_RE.finditer(text):
        span = _age_span(text, m)
        if span and not _AGE_RANGE_BEFORE_RE.search(text[max(0, span[0] - 12) : span[0]]):
            yield _finding("exact_age_90_plus", *span)
    lowered = _lower(text)
    if "ninety" in lowered or "hundred" in lowered:
        for m in _AGE_WORDS_RE.finditer(lowered):
            yield _finding("exact_age_90_plus", m.start(), m.end())


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


def _find_event_places(text: str, dates: list[_Date]) -> Iterator[Finding]:
    starts = [d.start for d in dates]
    for start, end in _place_spans(text):
        low = bisect_left(starts, start - _EVENT_WINDOW - 40)  # no date is 40 characters long
        near = dates[low : bisect_right(starts, end + _EVENT_WINDOW)]
        if any(d.start < end + _EVENT_WINDOW and d.end > start - _EVENT_WINDOW for d in near):
            yield _finding("event_date_place", start, end)


# --- Putting it together ------------------------------------------------------------------------


def _resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Keep non-overlapping findings, preferring the most severe, then the longest."""
    ranked = sorted(findings, key=lambda f: (-_RANK[f.severity], f.start - f.end, f.start))
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
    folded = _normalise(text)
    today = today or date.today()
    dates = _find_dates(folded, today)
    urls = _url_spans(folded)
    found: list[Finding] = [
        *_find_health_numbers(folded, urls),
        *_find_dobs(folded, dates, today),
        *_find_postcodes(folded),
        *_find_titled_names(folded),
        *_find_hospital_numbers(folded),
        *_find_phones(folded),
        *_find_emails(folded),
        *_find_ni_numbers(folded),
        *_find_ages(folded),
        *_find_event_places(folded, dates),
    ]
    return _resolve(f for f in found if f.kind == "email" or not urls.covers(f.start))


def worst_severity(findings: Iterable[Finding]) -> str | None:
    """Return the most severe severity among findings, or None when there are none."""
    ranks = [_RANK[f.severity] for f in findings]
    return SEVERITY_ORDER[len(SEVERITY_ORDER) - max(ranks)] if ranks else None


_DIGIT_KINDS = frozenset(
    {"nhs_number", "chi_number", "hc_number", "date_of_birth", "exact_age_90_plus"}
)


def _normalised_value(text: str, finding: Finding) -> str:
    """Digits only for numbers (+44 read as 0), case and spacing folded for the rest."""
    value = _normalise(text[finding.start : finding.end])
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
