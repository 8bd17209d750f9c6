"""Staff review accepted answers: still correct, superseded by a newer post, or withdrawn.

The review clock itself (set on accepting, cleared on clearing) is ``review_dates.py``; the
list of answers due is ``forum/queries/answer_review.py``. docs/answers.md#review-dates
"""

from __future__ import annotations

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Post, Thread, utcnow
from forum.policy import Actor, can_review_answers, require
from forum.queries import answer_review
from forum.services import audit
from forum.services.discussions import solutions
from forum.services.guidance import review_dates
from forum.services.notifications import inbox as notifications

REASON_MAX = 500


def _accepted(actor: Actor, thread: Thread) -> Post:
    require(can_review_answers(actor, thread.category))
    post = (
        db.session.scalar(select(Post).where(Post.id == thread.solution_post_id))
        if thread.solution_post_id is not None
        else None
    )
    if post is None or post.deleted_at is not None:
        raise ServiceError("This question has no accepted answer to review now.")
    return post


def _reviewed(actor: Actor, thread: Thread) -> None:
    now = utcnow()
    thread.solution_reviewed_at = now
    thread.solution_reviewed_by_name = getattr(actor, "display_name", "")[:80]
    thread.solution_review_due = review_dates.review_due(now)
    thread.solution_guidance_changed_at = None


def confirm_still_correct(actor: Actor, thread: Thread) -> None:
    """The answer stands: a new review date, and the guidance flags cleared on thread and post
    (the reviewer read the changes)."""
    post = _accepted(actor, thread)
    before = {"review_due": _iso(thread.solution_review_due), "guidance_note": post.guidance_note}
    _reviewed(actor, thread)
    post.guidance_changed_at, post.guidance_note = None, ""
    db.session.flush()
    audit.record(
        actor, "answer.still_correct", target=post, before=before,
        after={"thread_id": thread.id, "review_due": _iso(thread.solution_review_due)},
    )  # fmt: skip


def supersede(actor: Actor, thread: Thread, newer_post: Post | None) -> None:
    """Point the accepted answer at a newer post that replaces it; it leaves the list."""
    post = _accepted(actor, thread)
    if newer_post is not None:  # read again with its thread: visible to the reviewer?
        newer_post = answer_review.post_by_ref(actor, newer_post.id, None, None)
    if newer_post is None:
        raise ServiceError("There is no post at that address that you can see.", "newer")
    if newer_post.id == post.id:
        raise ServiceError("Link to a different post from the accepted answer itself.", "newer")
    before = {"superseded_by_post_id": post.superseded_by_post_id}
    post.superseded_by_post_id = newer_post.id
    _reviewed(actor, thread)
    db.session.flush()
    audit.record(
        actor, "answer.superseded", target=post, before=before,
        after={"thread_id": thread.id, "superseded_by_post_id": newer_post.id},
    )  # fmt: skip
    notifications.notify_answer_review(
        actor, post, "it is now marked as superseded by a newer answer"
    )


def withdraw(actor: Actor, thread: Thread, reason: str) -> None:
    """Take the answer out of the solution slot, with a reason its author and readers see."""
    post = _accepted(actor, thread)
    reason = " ".join(reason.split())
    if not reason:
        message = "Give a reason: the author and every reader of the post see it."
        raise ServiceError(message, "reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason to {REASON_MAX} characters or fewer.", "reason")
    thread.solution_post_id = None
    review_dates.solution_cleared(thread)
    post.answer_withdrawn_at, post.answer_withdrawn_reason = utcnow(), reason
    db.session.flush()
    solutions.recount_solutions([post.author_id])
    audit.record(
        actor, "answer.withdrawn", target=post, reason=reason,
        before={"solution_post_id": post.id}, after={"thread_id": thread.id},
    )  # fmt: skip
    notifications.notify_answer_review(
        actor, post, f"it was withdrawn as the accepted answer: {reason}"
    )


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None  # type: ignore[union-attr]
