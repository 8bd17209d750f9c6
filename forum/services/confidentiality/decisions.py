"""Deciding confidentiality reviews: a moderator clears the post, or a redaction or deletion
settles it."""

from __future__ import annotations

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import ConfidentialityReview, ReviewOutcome
from forum.policy import Actor, can_review_confidentiality, require
from forum.services import audit
from forum.services.confidentiality import holds
from forum.services.confidentiality.reviews import SUBJECT, resolve
from forum.services.moderation.queue import check_not_claimed_by_another, release_claim


def clear_review(actor: Actor, review: ConfidentialityReview) -> None:
    """A moderator checked the post: nothing in it identifies a patient. A post held for
    the check is published."""
    require(can_review_confidentiality(actor, review.post))
    if not review.is_open:
        raise ServiceError(f"{review.resolved_by_name or 'A moderator'} has checked this already.")
    check_not_claimed_by_another(actor, SUBJECT, review.id)
    resolve(review, actor, ReviewOutcome.CLEARED)
    release_claim(SUBJECT, review.id)
    audit.record(
        actor,
        "confidentiality.clear",
        target=review.post,
        after={"review_id": review.id, "kinds": review.kind_list},
    )
    db.session.flush()
    holds.release_after_check(actor, review.post, review_id=review.id)


def settle_reviews(actor: Actor, post_id: int, outcome: str) -> int:
    """Close the post's open reviews (it was redacted or deleted); returns how many."""
    open_reviews = db.session.scalars(
        select(ConfidentialityReview).where(
            ConfidentialityReview.post_id == post_id, ConfidentialityReview.resolved_at.is_(None)
        )
    ).all()
    for review in open_reviews:
        resolve(review, actor, outcome)
        release_claim(SUBJECT, review.id)
    return len(open_reviews)
