"""The read side of /insight: each figure from the rollups in one statement, whatever the range.

Every statement reads the chosen period and the one before it (of the same length) at once,
labelled by ``period`` ("current" or "previous"), so the pages compare without more queries.
Counts come back raw: forum/stats/suppression.py decides what may be published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select

from forum.extensions import db
from forum.models import (
    Category,
    Guideline,
    InsightActivity,
    InsightDownload,
    InsightQuestion,
    Post,
    PostCitation,
    Resource,
    Tag,
    Thread,
    ThreadTag,
    User,
)
from forum.policy import Actor, visible_threads_clause

#: Replies within this many minutes count as answered within 48 hours.
WITHIN_48H = 48 * 60
#: The thread kinds counted as questions (discussions are not).
QUESTION_KINDS = ("question", "case")
UNANSWERED_AFTER = timedelta(days=7)
TOP = 10
UNANSWERED_LIMIT = 50


@dataclass(frozen=True)
class Scope:
    """What a dashboard shows: a range of days (inclusive), and whose figures."""

    start: date
    end: date
    #: The alliances the reader may see (None: every one), and the one chosen ("": all of them).
    allowed: frozenset[str] | None
    alliance: str = ""
    #: The categories the reader may see (None: every one), and the one chosen.
    category_ids: tuple[int, ...] | None = None
    category_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def previous_end(self) -> date:
        return self.start - timedelta(days=1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _period(column: Any, scope: Scope, as_time: bool = True) -> Any:
    start = _at(scope.start) if as_time else scope.start
    return case((column >= start, "current"), else_="previous").label("period")


def _between(column: Any, scope: Scope, as_time: bool = True) -> ColumnElement[bool]:
    if as_time:
        return and_(column >= _at(scope.previous_start), column < _at(scope.end + timedelta(1)))
    return and_(column >= scope.previous_start, column <= scope.end)


def _alliances(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    if scope.alliance:
        return [column == scope.alliance]
    if scope.allowed is not None:
        return [column.in_(sorted(scope.allowed))]
    return []


def _categories(column: Any, scope: Scope) -> list[ColumnElement[bool]]:
    clauses = []
    if scope.category_id is not None:
        clauses.append(column == scope.category_id)
    if scope.category_ids is not None:
        clauses.append(column.in_(scope.category_ids))
    return clauses


def _questions_where(scope: Scope) -> list[ColumnElement[bool]]:
    q = InsightQuestion
    return [
        _between(q.asked_at, scope),
        q.kind.in_(QUESTION_KINDS),
        *_alliances(q.alliance, scope),
        *_categories(q.category_id, scope),
    ]


def question_counts(scope: Scope) -> list[Any]:
    """(alliance, category_id, period, questions, answered_48h, replied, solved) rows."""
    q = InsightQuestion
    answered = func.sum(case((q.reply_minutes <= WITHIN_48H, 1), else_=0))
    stmt = (
        select(
            q.alliance,
            q.category_id,
            _period(q.asked_at, scope),
            func.count().label("questions"),
            answered.label("answered_48h"),
            func.count(q.reply_minutes).label("replied"),
            func.count(q.solution_minutes).label("solved"),
        )
        .where(*_questions_where(scope))
        .group_by(q.alliance, q.category_id, "period")
    )
    return list(db.session.execute(stmt))


def _active(first: date, last: date) -> Any:
    a = InsightActivity
    found = exists().where(a.user_id == User.id, a.day >= first, a.day <= last)
    return func.sum(case((found, 1), else_=0))


def active_members(scope: Scope) -> list[tuple[str, str, int]]:
    """(alliance, period, members) rows: members who posted in each period, by the alliance
    on their profile. One index probe per member and period (``ix_insight_activity_member``),
    not a pass over every day's posters."""
    stmt = (
        select(
            User.alliance,
            _active(scope.start, scope.end),
            _active(scope.previous_start, scope.previous_end),
        )
        .where(*_alliances(User.alliance, scope))
        .group_by(User.alliance)
    )
    rows = db.session.execute(stmt).all()
    return [(a, "current", now or 0) for a, now, _ in rows] + [
        (a, "previous", before or 0) for a, _, before in rows
    ]


def new_members(scope: Scope) -> list[Any]:
    """(alliance, period, members) rows: accounts opened in each period."""
    stmt = (
        select(User.alliance, _period(User.created_at, scope), func.count())
        .where(_between(User.created_at, scope), *_alliances(User.alliance, scope))
        .group_by(User.alliance, "period")
    )
    return list(db.session.execute(stmt))


def questions_by_day(scope: Scope) -> list[tuple[date, int]]:
    """(day, questions) for both periods; the pages group the days into weeks."""
    # SQLite stores "YYYY-MM-DD HH:MM:SS": the first ten characters are the day, read faster
    # than date() parses the whole value.
    asked = InsightQuestion.asked_at
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    day = func.substr(asked, 1, 10) if sqlite else func.date(asked)
    stmt = select(day, func.count()).where(*_questions_where(scope)).group_by(day)
    return [(_as_date(value), n) for value, n in db.session.execute(stmt)]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def medians(scope: Scope, column: Any) -> dict[str, tuple[int, int]]:
    """period -> (median minutes, how many values) of ``column`` (the lower median).

    The database counts the questions at each time (read from the covering index), to the
    minute under a day, the hour under a week and the day beyond, so there are a few
    thousand counts at most; the median is found walking them, without sorting every question.
    """
    period = _period(InsightQuestion.asked_at, scope)
    rounded = case(
        (column < 1440, column),
        (column < 10080, column // 60 * 60),
        else_=column // 1440 * 1440,
    ).label("minutes")
    stmt = (
        select(period, rounded, func.count())
        .where(*_questions_where(scope), column.is_not(None))
        .group_by("period", "minutes")
    )
    counts: dict[str, list[tuple[int, int]]] = {}
    for name, minutes, n in db.session.execute(stmt):
        counts.setdefault(name, []).append((minutes, n))
    return {name: _lower_median(sorted(values)) for name, values in counts.items()}


def _lower_median(counted: list[tuple[int, int]]) -> tuple[int, int]:
    total = sum(n for _, n in counted)
    wanted, seen = (total + 1) // 2, 0
    for minutes, n in counted:
        seen += n
        if seen >= wanted:
            return minutes, total
    return counted[-1][0], total


def top_tags(scope: Scope) -> list[Any]:
    """(tag name, period, questions) for the tags on the period's questions."""
    q = InsightQuestion
    stmt = (
        select(Tag.name, _period(q.asked_at, scope), func.count())
        .join(ThreadTag, ThreadTag.thread_id == q.thread_id)
        .join(Tag, Tag.id == ThreadTag.tag_id)
        .where(*_questions_where(scope))
        .group_by(Tag.name, "period")
    )
    return list(db.session.execute(stmt))


def _citations(scope: Scope, *columns: Any) -> Any:
    c = PostCitation
    return (
        select(*columns, _period(c.created_at, scope), func.count())
        .join(Guideline, Guideline.id == c.guideline_id)
        .join(Post, Post.id == c.post_id)
        .join(InsightQuestion, InsightQuestion.thread_id == Post.thread_id)
        .where(
            _between(c.created_at, scope),
            *_alliances(InsightQuestion.alliance, scope),
            *_categories(InsightQuestion.category_id, scope),
        )
        .group_by(*columns, "period")
    )


def cited_guidelines(scope: Scope) -> list[Any]:
    """(code, title, period, citations): guidelines cited in the questions' threads."""
    return list(db.session.execute(_citations(scope, Guideline.code, Guideline.title)))


def cited_recommendations(scope: Scope) -> list[Any]:
    """(code, number, period, citations): recommendations cited, by their number."""
    stmt = _citations(scope, Guideline.code, PostCitation.number).where(PostCitation.number != "")
    return list(db.session.execute(stmt))


def downloads(scope: Scope) -> list[Any]:
    """(resource id, title, period, downloads) for the library's resources."""
    d = InsightDownload
    stmt = (
        select(Resource.id, Resource.title, _period(d.day, scope, False), func.sum(d.downloads))
        .join(Resource, Resource.id == d.resource_id)
        .where(_between(d.day, scope, False), *_alliances(d.alliance, scope))
        .group_by(Resource.id, Resource.title, "period")
    )
    return list(db.session.execute(stmt))


def unanswered(scope: Scope, actor: Actor, now: datetime) -> Sequence[Any]:
    """Questions of the chosen range nobody else has answered after 7 days, oldest first."""
    q = InsightQuestion
    stmt = (
        select(Thread.id, Thread.slug, Thread.title, q.asked_at, q.alliance, Category.name)
        .join(Thread, Thread.id == q.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(
            q.first_reply_at.is_(None),
            q.asked_at >= _at(scope.start),
            q.asked_at < min(_at(scope.end + timedelta(1)), now - UNANSWERED_AFTER),
            q.kind.in_(QUESTION_KINDS),
            *_alliances(q.alliance, scope),
            *_categories(q.category_id, scope),
            visible_threads_clause(actor),
        )
        .order_by(q.asked_at)
        .limit(UNANSWERED_LIMIT + 1)
    )
    return db.session.execute(stmt).all()
