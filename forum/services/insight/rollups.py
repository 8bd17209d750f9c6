"""Keep the /insight rollups as threads, replies, solutions and members are written.

Each hook is one or two small statements inside the writer's transaction, so the rollups
commit (or roll back) with the post they describe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import InsightActivity, InsightQuestion, Post, Thread, User
from forum.services import upserts


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def _alliance_of(user_id: int | None) -> object:
    return select(User.alliance).where(User.id == user_id).scalar_subquery()


def question_asked(thread: Thread) -> None:
    """A new thread: a row for it, and its asker active today."""
    db.session.execute(
        upserts.insert(InsightQuestion)
        .values(
            thread_id=thread.id,
            asked_at=thread.created_at,
            alliance=_alliance_of(thread.author_id),
            category_id=thread.category_id,
            kind=thread.kind or "question",
        )
        .on_conflict_do_nothing()
    )
    member_active(thread.author_id, thread.created_at)


def question_kind(thread: Thread) -> None:
    """The thread's kind was chosen after it was written (question, case or discussion)."""
    db.session.execute(
        update(InsightQuestion)
        .where(InsightQuestion.thread_id == thread.id)
        .values(kind=thread.kind)
        .execution_options(synchronize_session=False)
    )


def reply_posted(thread: Thread, post: Post) -> None:
    """A reply: the question's first answer if by someone else, and its writer active."""
    member_active(post.author_id, post.created_at)
    if post.author_id is None or post.author_id == thread.author_id:
        return
    db.session.execute(
        update(InsightQuestion)
        .where(InsightQuestion.thread_id == thread.id, InsightQuestion.first_reply_at.is_(None))
        .values(
            first_reply_at=post.created_at,
            reply_minutes=minutes_between(thread.created_at, post.created_at),
        )
        .execution_options(synchronize_session=False)
    )


def solution_accepted(thread: Thread, at: datetime) -> None:
    """The question's first accepted solution (a later change keeps the first time)."""
    db.session.execute(
        update(InsightQuestion)
        .where(InsightQuestion.thread_id == thread.id, InsightQuestion.solved_at.is_(None))
        .values(solved_at=at, solution_minutes=minutes_between(thread.created_at, at))
        .execution_options(synchronize_session=False)
    )


def member_active(user_id: int | None, at: datetime) -> None:
    """The member wrote something on ``at``'s day (once a day is enough)."""
    if user_id is None:
        return
    db.session.execute(
        upserts.insert(InsightActivity)
        .values(day=at.date(), user_id=user_id)
        .on_conflict_do_nothing()
    )
