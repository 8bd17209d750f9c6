"""The filters of the search language (``category:``, ``author:`` or ``@``, ``tag:``, ``is:``,
``after:``, ``before:``, ``cites:``): each value checked and turned into what a search keeps."""

from __future__ import annotations

import re
from datetime import date

from forum.text import markup
from forum.text.citations import CODE_PATTERN, MAX_CODE_LENGTH, NUMBER_PATTERN

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
#: A member's handle, as mentions spell it (``forum/text/markup.py``); old handles may start
#: with "_".
USERNAME = re.compile(rf"_?(?:{markup.USERNAME_PATTERN})", re.IGNORECASE)
_TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
#: ``cites:NG12``, ``cites:NG12-1.3.1`` (or, in quotes and the form's field, "NG12 1.3.1").
_CITES = re.compile(rf"({CODE_PATTERN})(?:[-\s]+({NUMBER_PATTERN}))?")
#: ``is:`` values that are flags of their own, besides solved and unsolved.
ANSWER_FLAGS = ("verified", "outdated")


def _category(value: str) -> tuple[str, str] | None:
    slug = value.lower()
    return ("category", slug) if _SLUG.fullmatch(slug) else None


def _author(value: str) -> tuple[str, str] | None:
    username = value.removeprefix("@").lower()
    return ("author", username) if USERNAME.fullmatch(username) else None


def _tag(value: str) -> tuple[str, str] | None:
    slug = value.removeprefix("#").lower()
    return ("tag", slug) if _TAG.fullmatch(slug) else None


def _status(value: str) -> tuple[str, str | bool] | None:
    value = value.lower()
    if value in ANSWER_FLAGS:
        return (value, True)
    return ("status", value) if value in ("solved", "unsolved") else None


def _cites(value: str) -> tuple[str, str] | None:
    """``NG12``, ``NG12-1.3.1`` or ``NG12 1.3.1``: stored as ``NG12`` or ``NG12 1.3.1``."""
    match = _CITES.fullmatch(value.strip())
    if match is None or len(match.group(1)) > MAX_CODE_LENGTH:
        return None
    code, number = match.group(1).upper(), match.group(2) or ""
    return ("cites", f"{code} {number}".strip())


def parse_date(value: str, *, end: bool = False) -> date | None:
    """``2024``, ``2024-03``, ``2024-03-01`` or ``01/03/2024``; ``end`` picks the last day."""
    if match := _UK_DATE.fullmatch(value):
        day, month, year = (int(g) for g in match.groups())
        return _safe_date(year, month, day)
    if not (match := _ISO_DATE.fullmatch(value)):
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    if day is not None:
        return _safe_date(int(year), int(month), int(day))
    if month is not None:
        first = _safe_date(int(year), int(month), 1)
        return _month_end(first) if first and end else first
    return _safe_date(int(year), 12 if end else 1, 31 if end else 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if year >= 1900 else None
    except ValueError:
        return None


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _after(value: str) -> tuple[str, date] | None:
    parsed = parse_date(value)
    return ("after", parsed) if parsed else None


def _before(value: str) -> tuple[str, date] | None:
    parsed = parse_date(value, end=True)
    return ("before", parsed) if parsed else None


FILTER_PARSERS = {
    "category": _category,
    "author": _author,
    "by": _author,
    "tag": _tag,
    "is": _status,
    "after": _after,
    "before": _before,
    "cites": _cites,
}
_DATE_HINT = "Dates look like 2024-03-01, 01/03/2024, 2024-03 or 2024."
FILTER_HINTS = {
    "category": "Categories are named by the last part of their address, e.g. category:screening.",
    "author": "Authors are named by username, e.g. author:asha.patel or @asha.patel.",
    "by": "Authors are named by username, e.g. by:asha.patel or @asha.patel.",
    "tag": "Tags are named by their address, e.g. tag:two-week-wait.",
    "is": "Use is:solved, is:unsolved, is:verified or is:outdated.",
    "cites": "Name guidance by its code, e.g. cites:NG12, or a recommendation, cites:NG12-1.3.1.",
    "after": _DATE_HINT,
    "before": _DATE_HINT,
}
