"""Rebuild the /insight rollups from the base tables (``forum rebuild-insight``).

For existing installs, a database seeded in bulk, or after bulk moves and deletions: one
INSERT ... SELECT per rollup, so a million posts take seconds, not a pass in Python. A rebuilt
question takes its accepted reply's time as the time it was solved (when it was marked is not
recorded elsewhere). Library downloads have no base table and are kept as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, delete, func, insert, select
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import InsightActivity, InsightQuestion, Post, Thread, User


def _minutes(start: Any, end: Any) -> Any:
    """Whole minutes from ``start`` to ``end``, in the database's own date arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", end - start) / 60)
    return cast((func.julianday(end) - func.julianday(start)) * 1440, Integer)


def _first_replies() -> Any:
    reply = aliased(Post)
    return (
        select(reply.thread_id, func.min(reply.created_at).label("at"))
        .join(Thread, Thread.id == reply.thread_id)
        .where(
            reply.post_number > 1,
            reply.deleted_at.is_(None),
            reply.hidden_at.is_(None),
            reply.author_id.is_not(None),
            reply.author_id != func.coalesce(Thread.author_id, 0),
        )
        .group_by(reply.thread_id)
        .subquery()
    )


def rebuild_questions() -> int:
    first = _first_replies()
    solution = aliased(Post)
    rows = (
        select(
            Thread.id,
            Thread.created_at,
            func.coalesce(User.alliance, ""),
            Thread.category_id,
            Thread.kind,
            first.c.at,
            _minutes(Thread.created_at, first.c.at),
            solution.created_at,
            _minutes(Thread.created_at, solution.created_at),
        )
        .outerjoin(User, User.id == Thread.author_id)
        .outerjoin(first, first.c.thread_id == Thread.id)
        .outerjoin(solution, solution.id == Thread.solution_post_id)
        .where(Thread.deleted_at.is_(None), Thread.hidden_at.is_(None))
    )
    q = InsightQuestion
    columns = [q.thread_id, q.asked_at, q.alliance, q.category_id, q.kind, q.first_reply_at,
               q.reply_minutes, q.solved_at, q.solution_minutes]  # fmt: skip
    db.session.execute(delete(q))
    db.session.execute(insert(q).from_select([c.name for c in columns], rows))
    return db.session.scalar(select(func.count()).select_from(q)) or 0


def rebuild_activity() -> int:
    day = func.date(Post.created_at)
    rows = (
        select(day, Post.author_id)
        .where(Post.deleted_at.is_(None), Post.author_id.is_not(None))
        .group_by(day, Post.author_id)
    )
    a = InsightActivity
    db.session.execute(delete(a))
    db.session.execute(insert(a).from_select(["day", "user_id"], rows))
    return db.session.scalar(select(func.count()).select_from(a)) or 0


def rebuild_insight() -> dict[str, int]:
    """Rewrite the questions and activity rollups (flushes; the caller commits)."""
    done = {"questions": rebuild_questions(), "activity days": rebuild_activity()}
    db.session.flush()
    return done
