"""Accepted solutions: the question's author or a moderator marks the reply that answered it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import Post, Thread, User, utcnow
from forum.policy import Actor, can_accept_solution, can_change_solution, require
from forum.services import audit
from forum.services.guidance import review_dates
from forum.services.insight import rollups as insight
from forum.services.notifications import inbox as notifications
from forum.services.webhooks import events as webhooks


def accept_solution(actor: Actor, thread: Thread, post: Post) -> None:
    """Mark ``post`` as the answer to ``thread``, replacing any earlier choice."""
    require(can_accept_solution(actor, thread, post))
    previous = thread.solution_post_id
    if previous == post.id:
        return
    thread.solution_post_id = post.id
    review_dates.solution_accepted(thread, post)
    db.session.flush()
    insight.solution_accepted(thread, utcnow())
    recount_solutions(_author_ids([previous, post.id]))
    _audit_if_on_behalf(actor, thread, "thread.accept_solution", previous, post.id)
    notifications.notify_solution(actor, thread, post)
    webhooks.solution_accepted(thread, post)


def clear_solution(actor: Actor, thread: Thread) -> None:
    """Unmark the accepted answer: the thread is a question without a solution again."""
    require(can_change_solution(actor, thread) and thread.solution_post_id is not None)
    previous = thread.solution_post_id
    thread.solution_post_id = None
    review_dates.solution_cleared(thread)
    db.session.flush()
    recount_solutions(_author_ids([previous]))
    _audit_if_on_behalf(actor, thread, "thread.clear_solution", previous, None)


def forget_solution(post: Post) -> None:
    """Clear ``post`` from any thread that had it as its solution (it was deleted or moved)."""
    threads = db.session.scalars(select(Thread).where(Thread.solution_post_id == post.id)).all()
    for thread in threads:
        thread.solution_post_id = None
        review_dates.solution_cleared(thread)
    if threads:
        db.session.flush()
        recount_solutions([post.author_id])


def recount_solutions(user_ids: Iterable[int | None]) -> None:
    """Recount ``solution_count`` for these members from the threads themselves."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids:
        return
    accepted = (
        select(func.count())
        .select_from(Thread)
        .join(Post, Post.id == Thread.solution_post_id)
        .where(
            Post.author_id == User.id,
            Post.deleted_at.is_(None),
            Thread.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    db.session.execute(
        update(User)
        .where(User.id.in_(ids))
        .values(solution_count=accepted)
        .execution_options(synchronize_session=False)
    )
    for user in db.session.identity_map.values():
        if isinstance(user, User) and user.id in ids:
            db.session.expire(user, ["solution_count"])


def recount_all_solutions() -> None:
    """Recount every member's accepted solutions (after bulk changes, from the CLI)."""
    recount_solutions(db.session.scalars(select(User.id)).all())


def _author_ids(post_ids: Iterable[int | None]) -> list[int | None]:
    ids = [pid for pid in post_ids if pid is not None]
    if not ids:
        return []
    return list(db.session.scalars(select(Post.author_id).where(Post.id.in_(ids))).all())


def _audit_if_on_behalf(
    actor: Actor, thread: Thread, action: str, before: int | None, after: int | None
) -> None:
    if thread.author_id != actor.id:  # a moderator chose for the asker
        audit.record(
            actor,
            action,
            target=thread,
            before={"solution_post_id": before},
            after={"solution_post_id": after},
        )
