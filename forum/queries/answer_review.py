"""The read side of /mod/answers-to-review: accepted answers whose guidance changed, then
those past their review date, in the categories the reader may review.

Two statements a page (the count and the page), one for the moderation area's count, however
many answers are due. docs/answers.md#review-dates
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select, true, union
from sqlalchemy.orm import contains_eager

from forum.extensions import db
from forum.models import Category, Post, Thread, utcnow
from forum.paging import Page, offset_or_404
from forum.policy import (
    Actor,
    can_view_post,
    is_staff,
    moderated_category_ids,
    visible_posts_clause,
    visible_threads_clause,
)
from forum.text import plaintext

EXCERPT_LENGTH = 240


@dataclass(frozen=True)
class AnswerToReview:
    """One accepted answer due a review, with the question it answers."""

    thread: Thread
    post: Post
    excerpt: str
    overdue: bool


def _due(actor: Actor, now: datetime) -> ColumnElement[bool]:
    mine = Thread.category_id.in_(sorted(moderated_category_ids(actor)))
    return and_(
        Thread.deleted_at.is_(None),
        Post.deleted_at.is_(None),
        visible_threads_clause(actor),
        visible_posts_clause(actor),
        true() if is_staff(actor) else mine,
        Thread.id.in_(_due_ids(now)),
    )


def _due_ids(now: datetime) -> object:
    """The threads due, as a union of two index ranges (an OR of the two read every thread)."""
    return union(
        select(Thread.id).where(Thread.solution_guidance_changed_at.is_not(None)),
        select(Thread.id).where(Thread.solution_review_due <= now),
    )


def _joined(actor: Actor, now: datetime, *columns: object) -> object:
    return (
        select(*columns)  # type: ignore[call-overload]
        .select_from(Thread)
        .join(Category, Category.id == Thread.category_id)
        .join(Post, Post.id == Thread.solution_post_id)
        .where(_due(actor, now))
    )


def count_due(actor: Actor, now: datetime | None = None) -> int:
    """How many accepted answers wait for the actor's review (one statement)."""
    return db.session.scalar(_joined(actor, now or utcnow(), func.count())) or 0  # type: ignore[arg-type]


def answers_due(
    actor: Actor, number: int, per_page: int, now: datetime | None = None
) -> Page[AnswerToReview]:
    """Changed guidance first (oldest change first), then overdue (earliest due first)."""
    now = now or utcnow()
    total = count_due(actor, now)
    offset = offset_or_404(number, per_page, total)
    changed_first = case((Thread.solution_guidance_changed_at.is_not(None), 0), else_=1)
    stmt = (
        _joined(actor, now, Thread, Post)
        .options(contains_eager(Thread.category))  # type: ignore[attr-defined]
        .order_by(
            changed_first,
            Thread.solution_guidance_changed_at,
            Thread.solution_review_due,
            Thread.id,
        )
        .offset(offset)
        .limit(per_page)
    )
    items = [
        AnswerToReview(
            thread=thread,
            post=post,
            excerpt=plaintext.excerpt(post.body_html, EXCERPT_LENGTH),
            overdue=thread.solution_review_due is not None and thread.solution_review_due <= now,
        )
        for thread, post in db.session.execute(stmt)  # type: ignore[call-overload]
    ]
    return Page(items=items, number=number, per_page=per_page, total=total)


def post_by_ref(
    actor: Actor, post_id: int | None, thread_id: int | None, number: int | None
) -> Post | None:
    """The post a reviewer named (by id, or by thread and number), if the actor may see it."""
    stmt = select(Post).join(Thread, Thread.id == Post.thread_id)
    if post_id is not None:
        stmt = stmt.where(Post.id == post_id)
    elif thread_id is not None and number is not None:
        stmt = stmt.where(Post.thread_id == thread_id, Post.post_number == number)
    else:
        return None
    post = db.session.scalar(stmt.options(contains_eager(Post.thread).joinedload(Thread.category)))
    if post is None or post.deleted_at is not None or not can_view_post(actor, post):
        return None
    return post
