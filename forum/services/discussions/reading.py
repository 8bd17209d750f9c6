"""Read markers: how far each member has read each thread.

One row per member and thread. Markers only move forward: the upsert keeps the larger of the
stored and the new post number, so two tabs or a late request never un-read a thread.

A member's own posts are never unread for them: writing a post moves their marker over it
when they had read everything before it (:func:`record_own_post`), and the read side counts
only other members' posts after the marker (``queries/listings.py``), so a reply written
while earlier posts were still unread leaves those unread without counting itself.
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


def record_own_post(author_id: int | None, thread_id: int, number: int) -> None:
    """The author of post ``number`` has read it: move their marker to it if they had read
    every post before it (or never opened the thread: they started it, or replied from its
    page), in one statement. A marker further behind stays, so others' unread posts stay
    unread."""
    if author_id is None:
        return
    statement = insert(ThreadRead).values(
        user_id=author_id, thread_id=thread_id, last_read_post_number=number, read_at=utcnow()
    )
    caught_up = ThreadRead.last_read_post_number >= number - 1
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "thread_id"],
            set_={
                "last_read_post_number": case(
                    (caught_up, statement.excluded.last_read_post_number),
                    else_=ThreadRead.last_read_post_number,
                ),
                "read_at": case((caught_up, statement.excluded.read_at), else_=ThreadRead.read_at),
            },
        )
    )


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
