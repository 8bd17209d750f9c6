"""Read markers: how far each member has read each thread.

One row per member and thread. Markers only move forward: the upsert keeps the larger of the
stored and the new post number, so two tabs or a late request never un-read a thread.
"""

from __future__ import annotations

from sqlalchemy import case, literal, select

from forum.extensions import db
from forum.models import Category, Thread, ThreadRead, utcnow
from forum.policy import Actor, can_view_thread, is_member, require, visible_threads_clause
from forum.services.notifications import inbox as notifications
from forum.services.upserts import insert


def _forward_only(statement):  # noqa: ANN001, ANN202 - dialect-specific insert
    new = statement.excluded.last_read_post_number
    return statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={
            "last_read_post_number": case(
                (new > ThreadRead.last_read_post_number, new),
                else_=ThreadRead.last_read_post_number,
            ),
            "read_at": statement.excluded.read_at,
        },
    )


def mark_thread_read(actor: Actor, thread: Thread, up_to: int) -> None:
    """Record that ``actor`` has seen every post of ``thread`` numbered up to ``up_to``."""
    require(is_member(actor) and can_view_thread(actor, thread))
    up_to = max(0, min(up_to, thread.last_post_number))
    statement = insert(ThreadRead).values(
        user_id=actor.id, thread_id=thread.id, last_read_post_number=up_to, read_at=utcnow()
    )
    db.session.execute(_forward_only(statement))
    notifications.mark_thread_read(actor, thread, up_to)


def mark_all_read(actor: Actor, category: Category | None = None) -> None:
    """Mark every thread ``actor`` can see (in ``category``, if given) as read, in one statement."""
    require(is_member(actor))
    threads = (
        select(
            literal(actor.id),
            Thread.id,
            Thread.last_post_number,
            literal(utcnow(), ThreadRead.read_at.type),
        )
        .join(Thread.category)
        .where(visible_threads_clause(actor))
    )
    if category is not None:
        threads = threads.where(Thread.category_id == category.id)
    columns = ["user_id", "thread_id", "last_read_post_number", "read_at"]
    db.session.execute(_forward_only(insert(ThreadRead).from_select(columns, threads)))
