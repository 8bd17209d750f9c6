"""Renumbering posts when threads are merged, split or purged, keeping numbers gap-free.

``(thread_id, post_number)`` is unique and checked row by row, so a shift in place could
collide with itself. Every renumbering goes through negative numbers first: each post takes
``-final``, then one UPDATE flips the signs. Callers hold the threads' row locks.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Post, Thread


def _flip_signs(thread_id: int) -> None:
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread_id, Post.post_number < 0)
        .values(post_number=-Post.post_number)
        .execution_options(synchronize_session=False)
    )


def _set_last_number(thread_id: int, last: int) -> None:
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(last_post_number=last)
        .execution_options(synchronize_session=False)
    )


def renumber(thread_id: int, post_ids: Sequence[int]) -> None:
    """Make ``post_ids``, in this order, posts 1..n of thread ``thread_id`` (moving them in)."""
    if post_ids:
        db.session.execute(
            update(Post).execution_options(synchronize_session=False),
            [
                {"id": post_id, "thread_id": thread_id, "post_number": -number}
                for number, post_id in enumerate(post_ids, start=1)
            ],
        )
    _flip_signs(thread_id)
    _set_last_number(thread_id, len(post_ids))


def close_gap(thread_id: int, removed_number: int) -> None:
    """Move every post after ``removed_number`` up one place."""
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread_id, Post.post_number > removed_number)
        .values(post_number=-(Post.post_number - 1))
        .execution_options(synchronize_session=False)
    )
    _flip_signs(thread_id)
    _set_last_number(thread_id, _highest_number(thread_id))


def _highest_number(thread_id: int) -> int:
    numbers = select(Post.post_number).where(Post.thread_id == thread_id)
    return db.session.scalar(numbers.order_by(Post.post_number.desc()).limit(1)) or 0


def post_ids_in_order(thread_id: int) -> list[int]:
    stmt = select(Post.id).where(Post.thread_id == thread_id).order_by(Post.post_number)
    return list(db.session.scalars(stmt))
