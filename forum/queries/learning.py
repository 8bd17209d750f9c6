"""The learning log as its author reads it: entries by appraisal year, totals, and what the
member contributed to the forum in the same dates (docs/learning-log.md).

Every read is bounded by the author's id: an entry of anyone else does not exist (404), for
staff too. The log's page runs the same statements however many entries it shows: the
entries of the range (one statement, ``ix_learning_entries_user_date``) and the
contributions (one statement of five counts, each an index range on the member's id).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import HelpfulMark, LearningEntry, Post, Resource, Thread, ThreadKind
from forum.policy import Actor, can_keep_learning_log

#: Threads that count as questions asked (discussions and a resource's thread do not).
QUESTION_KINDS = (ThreadKind.QUESTION.value, ThreadKind.CASE.value)


# Appraisal years -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppraisalYear:
    """The appraisal year that starts on ``start`` (in the start month of ``first``)."""

    first: int
    start_month: int

    @property
    def start(self) -> date:
        return date(self.first, self.start_month, 1)

    @property
    def end(self) -> date:
        """The last day of the year (inclusive)."""
        return date(self.first + 1, self.start_month, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return str(self.first)
        return f"{self.first} to {self.first + 1}"

    @property
    def long_label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    def shifted(self, years: int) -> AppraisalYear:
        return AppraisalYear(self.first + years, self.start_month)


def long_date(day: date) -> str:
    """``1 April 2026``."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def year_of(day: date, start_month: int) -> AppraisalYear:
    """The appraisal year ``day`` falls in."""
    first = day.year if day.month >= start_month else day.year - 1
    return AppraisalYear(first, start_month)


# Entries ---------------------------------------------------------------------------------------


def entries_between(user_id: int, start: date, end: date) -> Sequence[LearningEntry]:
    """The member's entries dated ``start`` to ``end`` inclusive, oldest first."""
    stmt = (
        select(LearningEntry)
        .where(
            LearningEntry.user_id == user_id,
            LearningEntry.learned_on >= start,
            LearningEntry.learned_on <= end,
        )
        .order_by(LearningEntry.learned_on, LearningEntry.id)
    )
    return db.session.scalars(stmt).all()


def get_entry_or_404(entry_id: int, actor: Actor) -> LearningEntry:
    """The actor's own entry; anyone else's, staff included, does not exist for them."""
    if not can_keep_learning_log(actor):
        raise NotFound()
    stmt = select(LearningEntry).where(
        LearningEntry.id == entry_id, LearningEntry.user_id == actor.id
    )
    entry = db.session.scalar(stmt)
    if entry is None:
        raise NotFound("That entry does not exist.")
    return entry


@dataclass(frozen=True)
class Totals:
    entries: int
    minutes: int
    credits: float

    @property
    def time_label(self) -> str:
        return minutes_label(self.minutes)


def minutes_label(minutes: int) -> str:
    """``1 h 30 min``, ``45 min``, ``2 h``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def credits_for(minutes: int, per_hour: float) -> float:
    return round(minutes / 60 * per_hour, 2)


def credits_label(credits: float) -> str:
    """``1.5``, ``2``, ``0.25``: no trailing zeros."""
    return f"{credits:.2f}".rstrip("0").rstrip(".")


def totals(entries: Sequence[LearningEntry], per_hour: float) -> Totals:
    minutes = sum(entry.minutes for entry in entries)
    return Totals(len(entries), minutes, credits_for(minutes, per_hour))


# Contributions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contributions:
    """What the member gave the forum in a range of dates, counted from what is stored."""

    questions: int = 0
    replies: int = 0
    accepted: int = 0
    resources: int = 0
    helpful_received: int = 0

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Questions asked", self.questions),
            ("Replies written", self.replies),
            ("Replies accepted as the solution", self.accepted),
            ("Resources shared in the library", self.resources),
            ("Helpful marks received", self.helpful_received),
        ]


def _count(model: type, *where: object) -> object:
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


#: A resource's discussion thread is counted as a resource shared, not a question asked.
_resource_thread = select(Resource.id).where(Resource.thread_id == Thread.id).exists()


def contributions(user_id: int, start: date, end: date) -> Contributions:
    """Five counts in one statement, each an index range on the member's id."""
    after, before = datetime.combine(start, time.min, UTC), datetime.combine(end, time.min, UTC)
    before += timedelta(days=1)

    def written(column: object) -> object:
        return and_(column >= after, column < before)

    reply = and_(Post.author_id == user_id, Post.post_number > 1, Post.deleted_at.is_(None))
    accepted = (
        select(func.count())
        .select_from(Post)
        .join(Thread, Thread.solution_post_id == Post.id)
        .where(reply, written(Post.created_at))
        .scalar_subquery()
    )
    helpful = (
        select(func.count())
        .select_from(HelpfulMark)
        .join(Post, Post.id == HelpfulMark.post_id)
        .where(Post.author_id == user_id, written(HelpfulMark.created_at))
        .scalar_subquery()
    )
    stmt = select(
        _count(
            Thread, Thread.author_id == user_id, Thread.kind.in_(QUESTION_KINDS),
            Thread.deleted_at.is_(None), written(Thread.created_at), ~_resource_thread,
        ),
        _count(Post, reply, written(Post.created_at)),
        accepted,
        _count(Resource, Resource.created_by_id == user_id, written(Resource.created_at)),
        helpful,
    )  # fmt: skip
    row = db.session.execute(stmt).one()
    return Contributions(*(int(n or 0) for n in row))
