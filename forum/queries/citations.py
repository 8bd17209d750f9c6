"""Citations of the guideline register, read: what a post's keys name in the current versions,
what posts cited (at the versions they cited), and recommendations to pick from in the composer.

Each is one statement. A guideline's current version is its highest ``sequence``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import Guideline, GuidelineVersion, Post, PostCitation
from forum.models.guidance import Recommendation, RecommendationStatus
from forum.text.citations import CitationKey

SEARCH_LIMIT = 10
#: Words of a search beyond these are ignored.
MAX_SEARCH_WORDS = 6
_WORD = re.compile(r"[^\s\[\]]+")
_LIKE_SPECIALS = re.compile(r"([\\%_])")


@dataclass(frozen=True)
class CitedSource:
    """What a citation names in one version of the register: a recommendation, or the whole
    guideline when ``number`` is empty."""

    key: CitationKey
    guideline_id: int
    version_id: int
    published_on: date
    publisher: str
    #: The recommendation's short title, or the guideline's.
    title: str
    #: The recommendation's own link when it has one, else the guideline's.
    url: str
    status: str = RecommendationStatus.UNCHANGED


def _current_version_id(guideline_id: object) -> Select[tuple[int]]:
    latest = aliased(GuidelineVersion)
    return (
        select(latest.id)
        .where(latest.guideline_id == guideline_id)
        .order_by(latest.sequence.desc())
        .limit(1)
    )


def _source(
    key: CitationKey, guideline: Guideline, version: GuidelineVersion, rec: Recommendation | None
) -> CitedSource:
    return CitedSource(
        key=key,
        guideline_id=guideline.id,
        version_id=version.id,
        published_on=version.published_on,
        publisher=guideline.publisher,
        title=rec.title if rec is not None else guideline.title,
        url=(rec.url or guideline.url) if rec is not None else guideline.url,
        status=rec.status if rec is not None else RecommendationStatus.UNCHANGED,
    )


def resolve(keys: Collection[CitationKey]) -> dict[CitationKey, CitedSource]:
    """The keys the register knows, as the current version of each guideline has them (one
    statement). A number not in the current version is not known."""
    if not keys:
        return {}
    codes = {key.code for key in keys}
    numbers = {key.number for key in keys if key.number}
    stmt = (
        select(Guideline, GuidelineVersion, Recommendation)
        .select_from(Guideline)
        .join(
            GuidelineVersion,
            GuidelineVersion.id == _current_version_id(Guideline.id).scalar_subquery(),
        )
        .outerjoin(
            Recommendation,
            and_(
                Recommendation.version_id == GuidelineVersion.id, Recommendation.number.in_(numbers)
            ),
        )
        .where(Guideline.code.in_(codes))
    )
    found: dict[CitationKey, CitedSource] = {}
    for guideline, version, rec in db.session.execute(stmt).tuples():
        whole = CitationKey(guideline.code)
        if whole in keys:
            found[whole] = _source(whole, guideline, version, None)
        if rec is not None and (key := CitationKey(guideline.code, rec.number)) in keys:
            found[key] = _source(key, guideline, version, rec)
    return found


def stored(post_ids: Collection[int]) -> dict[int, list[CitedSource]]:
    """What each post cites, at the version it recorded (one statement)."""
    if not post_ids:
        return {}
    stmt = (
        select(
            PostCitation.post_id, PostCitation.number, Guideline, GuidelineVersion, Recommendation
        )
        .select_from(PostCitation)
        .join(Guideline, Guideline.id == PostCitation.guideline_id)
        .join(GuidelineVersion, GuidelineVersion.id == PostCitation.version_id)
        .outerjoin(
            Recommendation,
            and_(
                Recommendation.version_id == PostCitation.version_id,
                Recommendation.number == PostCitation.number,
                PostCitation.number != "",
            ),
        )
        .where(PostCitation.post_id.in_(post_ids))
        .order_by(PostCitation.post_id, Guideline.code, PostCitation.number)
    )
    found: dict[int, list[CitedSource]] = {}
    for post_id, number, guideline, version, rec in db.session.execute(stmt).tuples():
        key = CitationKey(guideline.code, number)
        found.setdefault(post_id, []).append(_source(key, guideline, version, rec))
    return found


def recorded_keys(*, post_id: int | None = None, opening_of: int | None = None) -> set[CitationKey]:
    """The keys a post records: the post by id, or thread ``opening_of``'s opening post."""
    stmt = select(Guideline.code, PostCitation.number).join(
        Guideline, Guideline.id == PostCitation.guideline_id
    )
    if post_id is not None:
        stmt = stmt.where(PostCitation.post_id == post_id)
    else:
        stmt = stmt.join(Post, Post.id == PostCitation.post_id).where(
            Post.thread_id == opening_of, Post.post_number == 1
        )
    return {CitationKey(code, number) for code, number in db.session.execute(stmt).tuples()}


def _like(text: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", text)


def _word_matches(word: str) -> object:
    starts, within = _like(word) + "%", "%" + _like(word.lower()) + "%"
    return or_(
        Guideline.code.like(_like(word.upper()) + "%", escape="\\"),
        Recommendation.number.like(starts, escape="\\"),
        func.lower(Recommendation.title).like(within, escape="\\"),
    )


def search_current(text: str, limit: int = SEARCH_LIMIT) -> Sequence[CitedSource]:
    """Recommendations in current versions (not withdrawn) whose guideline code or number
    starts with, or whose title contains, each word of ``text`` (one statement). Nothing for
    an empty search."""
    words = _WORD.findall(text.strip())[:MAX_SEARCH_WORDS]
    if not words:
        return []
    stmt = (
        select(Guideline, GuidelineVersion, Recommendation)
        .select_from(Guideline)
        .join(
            GuidelineVersion,
            GuidelineVersion.id == _current_version_id(Guideline.id).scalar_subquery(),
        )
        .join(Recommendation, Recommendation.version_id == GuidelineVersion.id)
        .where(
            Recommendation.status != RecommendationStatus.WITHDRAWN,
            *(_word_matches(word) for word in words),
        )
        .order_by(Guideline.code, Recommendation.number)
        .limit(limit)
    )
    return [
        _source(CitationKey(g.code, r.number), g, v, r)
        for g, v, r in db.session.execute(stmt).tuples()
    ]
