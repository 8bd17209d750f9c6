"""Full dates in the common UK formats, and which of them are dates of birth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from forum.pii.findings import Finding, make_finding
from forum.pii.folding import starts_word
from forum.pii.names import FULL_NAME

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
class Date:
    start: int
    end: int
    year: int | None  # four digits; a two-digit year is read as the latest year not in the future


def valid_day(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return False
    leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    return not (month == 2 and day == 29 and not leap)


def _full_year(raw: str, today: date) -> int:
    if len(raw) == 4:
        return int(raw)
    year = today.year // 100 * 100 + int(raw)
    return year if year <= today.year else year - 100


def _numeric_dates(text: str, today: date) -> Iterator[Date]:
    for m in _NUMERIC_DATE_RE.finditer(text):
        day, month, year = int(m["d"]), int(m["m"]), _full_year(m["y"], today)
        if valid_day(day, month, year) or valid_day(month, day, year):  # UK, or US order
            yield Date(m.start(), m.end(), year)
    for m in _ISO_DATE_RE.finditer(text):
        if valid_day(int(m["d"]), int(m["m"]), int(m["y"])):
            yield Date(m.start(), m.end(), int(m["y"]))


def _text_dates(text: str) -> Iterator[Date]:
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for m in pattern.finditer(text):
            year = int(m["y"]) if m["y"] else None
            month = _MONTHS.get(m["mon"][:3].lower(), 0)
            if starts_word(text, m.start()) and valid_day(int(m["d"]), month, year):
                yield Date(m.start(), m.end(), year)


def find_dates(text: str, today: date) -> list[Date]:
    return sorted([*_numeric_dates(text, today), *_text_dates(text)], key=lambda d: d.start)


# --- Date of birth ----------------------------------------------------------------------------

_DOB_WORD = r"(?:d\.?o\.?b\.?|date of birth|birth ?date|born|birthday)"
_DOB_BEFORE_RE = re.compile(rf"(?i)\b{_DOB_WORD}(?![a-z])[^\n]{{0,30}}$")
_DOB_AFTER_RE = re.compile(rf"(?i)\s*[(\[]\s*{_DOB_WORD}\s*[)\]]")
# "born before 1 Sept 1950": a date after a comparison is an eligibility rule, not a person's.
_CRITERION_BEFORE_RE = re.compile(
    r"(?i)\b(?:before|after|on or (?:before|after)|between|from|since|prior to|until)\s*$"
)
# Letters and summaries write a date of birth in brackets after the name: "Mrs Jones (3/4/56)".
_NAME_BEFORE_RE = re.compile(rf"{FULL_NAME}\s*\(\s*$")
# A full date straight after a patient's name is a birth date when it is years old, not a visit.
_NAME_ADJACENT_RE = re.compile(rf"{FULL_NAME}[ \t]*[,:;-]?[ \t]*$")
_YEARS_BEFORE_BIRTH_DATE = 5
_AGED_BEFORE_RE = re.compile(r"(?i)\baged?\s*:?\s*(?P<age>[0-9]{1,3})\b[^\n]{0,25}$")


def _age_consistent(age: int, year: int, today: date) -> bool:
    return today.year - year - 1 <= age <= today.year - year


def _is_dob(text: str, when: Date, previous_end: int, next_start: int, today: date) -> bool:
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


def find_dobs(text: str, dates: list[Date], today: date) -> Iterator[Finding]:
    for i, when in enumerate(dates):
        previous_end = dates[i - 1].end if i else 0
        next_start = dates[i + 1].start if i + 1 < len(dates) else len(text)
        if _is_dob(text, when, previous_end, min(next_start, when.end + 16), today):
            yield make_finding("date_of_birth", when.start, when.end)
