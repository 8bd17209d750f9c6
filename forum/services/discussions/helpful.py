"""Helpful marks: one per member and post, undoable; the post keeps a recounted total."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from forum.extensions import db
from forum.models import HelpfulMark, Post, utcnow
from forum.policy import Actor, can_mark_helpful, require
from forum.services.notifications import inbox as notifications
from forum.services.upserts import insert


def mark_helpful(actor: Actor, post: Post) -> None:
    """Mark ``post`` helpful for ``actor``; marking twice changes nothing."""
    require(can_mark_helpful(actor, post))
    db.session.execute(
        insert(HelpfulMark)
        .values(post_id=post.id, user_id=actor.id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
    )
    _recount(post)
    notifications.notify_helpful(actor, post)


def unmark_helpful(actor: Actor, post: Post) -> None:
    """Take back ``actor``'s helpful mark on ``post``, if any."""
    require(can_mark_helpful(actor, post))
    db.session.execute(
        delete(HelpfulMark).where(HelpfulMark.post_id == post.id, HelpfulMark.user_id == actor.id)
    )
    _recount(post)


def _recount(post: Post) -> None:
    total = (
        select(func.count())
        .select_from(HelpfulMark)
        .where(HelpfulMark.post_id == post.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(helpful_count=total)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(post, ["helpful_count"])
