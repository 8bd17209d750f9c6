"""Posts published after their writer confirmed the guard's findings, in the review queue.

A source of ``moderation_queue`` (subject ``confidentiality``): moderators see the finding
kinds, the post with each finding highlighted, and clear the post or redact it
(``services/confidentiality/redaction.py``); ``decisions`` records what they decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, literal, select
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.models import ConfidentialityReview, Post, Thread, utcnow
from forum.policy import Actor, is_staff, moderated_category_ids
from forum.services.moderation.filters import within_age

SUBJECT = "confidentiality"
TYPE_LABEL = "Confirmed not patient-identifiable"


def queue_source(actor: Actor, filters: Any, now: datetime) -> Select | None:
    """Open reviews of posts the actor moderates, as ``(subject, subject_id, created_at)``."""
    if filters.type not in ("", SUBJECT):
        return None
    stmt = (
        select(
            literal(SUBJECT).label("subject"),
            ConfidentialityReview.id.label("subject_id"),
            ConfidentialityReview.created_at.label("created_at"),
        )
        .join(Post, ConfidentialityReview.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            ConfidentialityReview.resolved_at.is_(None),
            Post.deleted_at.is_(None),
            Thread.deleted_at.is_(None),
            *within_age(ConfidentialityReview.created_at, filters.age, now),
        )
    )
    if filters.category_id is not None:
        stmt = stmt.where(Thread.category_id == filters.category_id)
    if not is_staff(actor):
        stmt = stmt.where(Thread.category_id.in_(sorted(moderated_category_ids(actor))))
    return stmt


def load_reviews(ids: Sequence[int]) -> dict[int, ConfidentialityReview]:
    stmt = (
        select(ConfidentialityReview)
        .options(
            joinedload(ConfidentialityReview.post)
            .joinedload(Post.thread)
            .joinedload(Thread.category),
            joinedload(ConfidentialityReview.post).joinedload(Post.author),
            selectinload(ConfidentialityReview.findings),
        )
        .where(ConfidentialityReview.id.in_(ids))
    )
    return {review.id: review for review in db.session.scalars(stmt).unique()}


def get_review(review_id: int) -> ConfidentialityReview | None:
    return load_reviews([review_id]).get(review_id)


def resolve(review: ConfidentialityReview, actor: Actor, outcome: str) -> None:
    review.resolved_at, review.resolved_by_id = utcnow(), actor.id
    review.resolved_by_name, review.outcome = actor.display_name, outcome


def reviews_for_post(post_id: int) -> Sequence[ConfidentialityReview]:
    stmt = select(ConfidentialityReview).where(ConfidentialityReview.post_id == post_id)
    return db.session.scalars(stmt.order_by(ConfidentialityReview.created_at)).all()
