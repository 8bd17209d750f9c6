"""The guideline register as pages read it: the list, one guideline, its versions.

Each read is a fixed number of statements however many guidelines, versions and
recommendations there are. docs/answers.md
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Guideline, GuidelineVersion, PostCitation, Recommendation
from forum.text.citations import MAX_CODE_LENGTH, normalise_code


@dataclass(frozen=True)
class RegisterRow:
    """A guideline on the list: its current version, how many recommendations that has, and
    how many posts cite the guideline."""

    guideline: Guideline
    current: GuidelineVersion | None
    recommendations: int
    citing_posts: int


@dataclass(frozen=True)
class VersionRecord:
    """A version with its recommendations, in the guideline's own order."""

    version: GuidelineVersion
    recommendations: list[Recommendation]

    @property
    def changes(self) -> list[Recommendation]:
        """What this version did: its new, changed and withdrawn recommendations."""
        return [r for r in self.recommendations if r.status != "unchanged"]


def number_order(number: str) -> tuple[tuple[int, str], ...]:
    """``1.2`` before ``1.10``, ``3.2`` before ``3.2a``."""
    return tuple((int(digits), letter) for digits, letter in re.findall(r"(\d+)([a-z]?)", number))


def _current_sequence() -> object:
    return (
        select(GuidelineVersion.guideline_id, func.max(GuidelineVersion.sequence).label("seq"))
        .group_by(GuidelineVersion.guideline_id)
        .subquery()
    )


def register(*, with_citations: bool = False) -> list[RegisterRow]:
    """Every guideline with its current version and its number of recommendations (and, for
    staff, of citing posts), by code, in one statement."""
    latest = _current_sequence()
    recommendations = (
        select(func.count())
        .where(Recommendation.version_id == GuidelineVersion.id)
        .scalar_subquery()
    )
    citing = (
        select(func.count(func.distinct(PostCitation.post_id)))
        .where(PostCitation.guideline_id == Guideline.id)
        .scalar_subquery()
        if with_citations
        else select(0).scalar_subquery()
    )
    stmt = (
        select(Guideline, GuidelineVersion, func.coalesce(recommendations, 0), citing)
        .outerjoin(latest, latest.c.guideline_id == Guideline.id)
        .outerjoin(
            GuidelineVersion,
            (GuidelineVersion.guideline_id == Guideline.id)
            & (GuidelineVersion.sequence == latest.c.seq),
        )
        .order_by(Guideline.code)
    )
    return [RegisterRow(*row) for row in db.session.execute(stmt)]


def get_guideline_or_404(code: str) -> Guideline:
    """The guideline whose code is ``code`` (any case)."""
    code = normalise_code(code)
    found = None
    if len(code) <= MAX_CODE_LENGTH:
        found = db.session.scalar(select(Guideline).where(Guideline.code == code))
    if found is None:
        raise NotFound("There is no guideline with that code in the register.")
    return found


def versions_of(guideline: Guideline) -> list[VersionRecord]:
    """Every version of ``guideline``, newest first, each with its recommendations (two
    statements)."""
    versions = db.session.scalars(
        select(GuidelineVersion)
        .where(GuidelineVersion.guideline_id == guideline.id)
        .order_by(GuidelineVersion.sequence.desc())
    ).all()
    rows = db.session.scalars(
        select(Recommendation).where(Recommendation.guideline_id == guideline.id)
    ).all()
    by_version: dict[int, list[Recommendation]] = {v.id: [] for v in versions}
    for row in rows:
        by_version.setdefault(row.version_id, []).append(row)
    return [
        VersionRecord(v, sorted(by_version[v.id], key=lambda r: number_order(r.number)))
        for v in versions
    ]


def current_version(guideline: Guideline) -> VersionRecord | None:
    """The newest version of ``guideline`` and its recommendations (two statements)."""
    version = db.session.scalar(
        select(GuidelineVersion)
        .where(GuidelineVersion.guideline_id == guideline.id)
        .order_by(GuidelineVersion.sequence.desc())
        .limit(1)
    )
    if version is None:
        return None
    rows = db.session.scalars(
        select(Recommendation).where(Recommendation.version_id == version.id)
    ).all()
    return VersionRecord(version, sorted(rows, key=lambda r: number_order(r.number)))


def is_cited(guideline: Guideline) -> bool:
    """Whether any post cites ``guideline`` (its code is then part of posts' text)."""
    stmt = select(PostCitation.post_id).where(PostCitation.guideline_id == guideline.id).limit(1)
    return db.session.scalar(stmt) is not None
