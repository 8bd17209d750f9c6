"""The guideline register: staff add guidelines, correct them and record their new versions.

We store references, never guideline text: a code, a title, a publisher and a link, and for
each version the recommendations it has by number, each with a short title in our own words.
A new version carries forward what the one before had; recording it hands the version to
``changes.apply_version``, which marks the posts citing what it changed or withdrew.
docs/answers.md
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Guideline, GuidelineVersion, Recommendation, RecommendationStatus
from forum.models.base import utcnow
from forum.policy import Actor, can_manage_guidelines, require
from forum.queries import guidelines as register_reads
from forum.services import audit
from forum.services.guidance import changes
from forum.text.citations import CODE_PATTERN, MAX_CODE_LENGTH, NUMBER_PATTERN, normalise_code

TITLE_MAX = 200
PUBLISHER_MAX = 120
URL_MAX = 500
NOTE_MAX = 500
SUMMARY_MAX = 2000
_CODE = re.compile(CODE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
#: "1.3.1 Short title of our own", one a line.
_LINE = re.compile(r"\s*(\S+)\s+(.+?)\s*$")
Status = RecommendationStatus


@dataclass(frozen=True)
class RecommendationRow:
    """What staff say of one recommendation in a version: its number, our title for it, what
    the version did to it, why, and a link to it when the publisher has one."""

    number: str
    title: str
    status: str = Status.UNCHANGED
    change_note: str = ""
    url: str = ""


@dataclass(frozen=True)
class Details:
    """A guideline's own fields, as staff type them."""

    code: str
    title: str
    publisher: str
    url: str


def _row(item: RecommendationRow | Mapping[str, Any]) -> RecommendationRow:
    if isinstance(item, RecommendationRow):
        return item
    return RecommendationRow(
        number=str(item.get("number", "")),
        title=str(item.get("title", "")),
        status=str(item.get("status") or Status.UNCHANGED),
        change_note=str(item.get("change_note") or item.get("note") or ""),
        url=str(item.get("url") or item.get("link") or ""),
    )


def rows_from_lines(text: str, field: str = "recommendations") -> list[RecommendationRow]:
    """Recommendations typed one a line, "1.3.1 Short title of our own" (blank lines skipped)."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match or not _NUMBER.fullmatch(match.group(1)):
            raise ServiceError(
                f"Line {n} should be a recommendation's number, a space and our short title "
                f"for it, such as “1.3.1 Colorectal: referral criteria”.",
                field,
            )
        rows.append(RecommendationRow(match.group(1), match.group(2)))
    return rows


def clean_url(url: str, field: str | None = "url", *, required: bool = True) -> str:
    """An http or https address with a host, or (when not required) nothing."""
    url = url.strip()
    if not url and not required:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise ServiceError(
            "Give a web address starting with https:// (or http://), such as "
            "https://www.nice.org.uk/guidance/ng12.",
            field,
        )
    if len(url) > URL_MAX:
        raise ServiceError(f"Keep the address to {URL_MAX} characters or fewer.", field)
    return url


def _clean_code(code: str, guideline_id: int | None = None) -> str:
    code = normalise_code(code or "")
    if not code:
        raise ServiceError("Give the guideline's code, such as NG12.", "code")
    if len(code) > MAX_CODE_LENGTH or not _CODE.fullmatch(code):
        raise ServiceError(
            f"A code starts with a letter and has only letters, digits and hyphens "
            f"(NG12, SIGN-145, LP-NSS), {MAX_CODE_LENGTH} characters at most.",
            "code",
        )
    clash = db.session.scalar(
        select(Guideline.id).where(Guideline.code == code, Guideline.id != (guideline_id or 0))
    )
    if clash is not None:
        raise ServiceError(f"The register already has a guideline with the code {code}.", "code")
    return code


def _clean_text(value: str, field: str, what: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ServiceError(f"Give the guideline's {what}.", field)
    if len(value) > limit:
        raise ServiceError(f"Keep the {what} to {limit} characters or fewer.", field)
    return value


def _clean_details(details: Details, guideline_id: int | None = None) -> Details:
    return Details(
        code=_clean_code(details.code, guideline_id),
        title=_clean_text(details.title, "title", "title", TITLE_MAX),
        publisher=_clean_text(details.publisher, "publisher", "publisher", PUBLISHER_MAX),
        url=clean_url(details.url),
    )


def _clean_row(row: RecommendationRow, field: str | None) -> RecommendationRow:
    number = row.number.strip()
    if not _NUMBER.fullmatch(number):
        raise ServiceError(
            f"“{number}” is not a recommendation number: write it as the guideline does, "
            f"such as 1.3.1.",
            field,
        )
    title = " ".join(row.title.split())
    if not title:
        raise ServiceError(f"Give recommendation {number} a short title in our words.", field)
    if len(title) > TITLE_MAX:
        raise ServiceError(
            f"Keep the title of recommendation {number} to {TITLE_MAX} characters or fewer.",
            field,
        )
    if row.status not in set(Status):
        raise ServiceError(f"Choose what this version did to recommendation {number}.", field)
    note = " ".join(row.change_note.split())
    if len(note) > NOTE_MAX:
        raise ServiceError(
            f"Keep the note on recommendation {number} to {NOTE_MAX} characters or fewer.", field
        )
    url = clean_url(row.url, field, required=False)
    return RecommendationRow(number, title, row.status, note, url)


def _clean_rows(
    items: Iterable[RecommendationRow | Mapping[str, Any]], field: str | None
) -> list[RecommendationRow]:
    rows, seen = [], set()
    for item in items:
        row = _clean_row(_row(item), field)
        if row.number in seen:
            raise ServiceError(f"Recommendation {row.number} is listed twice.", field)
        seen.add(row.number)
        rows.append(row)
    return rows


def _summary(summary: str) -> str:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise ServiceError(f"Keep what changed to {SUMMARY_MAX} characters or fewer.", "summary")
    return summary


def create_guideline(
    actor: Actor,
    details: Details,
    *,
    published_on: date,
    recommendations: Sequence[RecommendationRow | Mapping[str, Any]] = (),
    summary: str = "",
) -> Guideline:
    """Add a guideline to the register with its first version: every recommendation new."""
    require(can_manage_guidelines(actor))
    details = _clean_details(details)
    rows = _clean_rows(recommendations, "recommendations")
    if published_on is None:
        raise ServiceError("Give the date this version was published.", "published_on")
    guideline = Guideline(**vars(details))
    db.session.add(guideline)
    db.session.flush()
    version = _add_version(actor, guideline, 1, published_on, _summary(summary))
    for row in rows:
        _add_recommendation(guideline, version, row, Status.NEW)
    db.session.flush()
    audit.record(
        actor,
        "guideline.create",
        target=guideline,
        after={**vars(details), "published_on": published_on.isoformat(), "recommendations":
               len(rows)},
    )  # fmt: skip
    return guideline


def update_guideline(actor: Actor, guideline: Guideline, details: Details) -> Guideline:
    """Correct a guideline's code, title, publisher or link. The code is part of the text of
    the posts that cite it, so it may change only while none does."""
    require(can_manage_guidelines(actor))
    details = _clean_details(details, guideline.id)
    if details.code != guideline.code and register_reads.is_cited(guideline):
        raise ServiceError(
            f"Posts cite {guideline.code} by its code, so it cannot change; the title, "
            f"publisher and link can.",
            "code",
        )
    before = {k: getattr(guideline, k) for k in vars(details)}
    for key, value in vars(details).items():
        setattr(guideline, key, value)
    guideline.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "guideline.update", target=guideline, before=before, after=vars(details))
    return guideline


def _add_version(
    actor: Actor, guideline: Guideline, sequence: int, published_on: date, summary: str
) -> GuidelineVersion:
    version = GuidelineVersion(
        guideline_id=guideline.id,
        sequence=sequence,
        published_on=published_on,
        summary=summary,
        recorded_by_name=(getattr(actor, "display_name", "") or "")[:80],
    )
    db.session.add(version)
    db.session.flush()
    return version


def _add_recommendation(
    guideline: Guideline, version: GuidelineVersion, row: RecommendationRow, status: str
) -> None:
    db.session.add(
        Recommendation(
            version_id=version.id,
            guideline_id=guideline.id,
            number=row.number,
            title=row.title,
            status=status,
            change_note=row.change_note,
            url=row.url,
        )
    )


def _next_rows(
    previous: Sequence[Recommendation], rows: Sequence[RecommendationRow]
) -> list[tuple[RecommendationRow, str]]:
    """The new version's recommendations and their statuses: everything the version before
    had and did not withdraw (as staff marked it, or unchanged), then the new ones."""
    carried = {r.number: r for r in previous if r.status != Status.WITHDRAWN}
    given = {row.number: row for row in rows}
    result = []
    for number, old in carried.items():
        row = given.get(number) or RecommendationRow(number, old.title)
        if not row.url:
            row = RecommendationRow(number, row.title, row.status, row.change_note, old.url)
        if row.status == Status.NEW:
            row = RecommendationRow(number, row.title, Status.UNCHANGED, row.change_note, row.url)
        result.append((row, row.status))
    for row in rows:
        if row.number in carried:
            continue
        if row.status in (Status.CHANGED, Status.WITHDRAWN):
            raise ServiceError(
                f"Recommendation {row.number} is not in the current version, so this version "
                f"cannot change or withdraw it.",
            )
        result.append((row, Status.NEW))
    return result


def record_version(
    actor: Actor,
    guideline: Guideline,
    published_on: date,
    summary: str,
    rows: Sequence[RecommendationRow | Mapping[str, Any]],
) -> tuple[GuidelineVersion, int]:
    """Record a new version of ``guideline``; return it and how many posts citing what it
    changed or withdrew were marked for review."""
    require(can_manage_guidelines(actor))
    current = register_reads.current_version(guideline)
    if published_on is None:
        raise ServiceError("Give the date this version was published.", "published_on")
    if current is not None and published_on < current.version.published_on:
        raise ServiceError(
            f"This version cannot be older than the current one, published "
            f"{_day(current.version.published_on)}.",
            "published_on",
        )
    cleaned = _clean_rows(rows, None)
    recommendations = _next_rows(current.recommendations if current else [], cleaned)
    sequence = current.version.sequence + 1 if current else 1
    version = _add_version(actor, guideline, sequence, published_on, _summary(summary))
    for row, status in recommendations:
        _add_recommendation(guideline, version, row, status)
    db.session.flush()
    marked = changes.apply_version(actor, version)
    counts = {s: sum(1 for _, status in recommendations if status == s) for s in Status}
    audit.record(
        actor,
        "guideline.version",
        target=guideline,
        after={"code": guideline.code, "version": sequence,
               "published_on": published_on.isoformat(), **counts, "posts_marked": marked},
    )  # fmt: skip
    return version, marked


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
