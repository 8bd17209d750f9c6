"""Holding a post whose confirmed identifiers combine until a moderator has checked it.

The rule (``forum/pii/combination.py``, docs/confidentiality.md): two or more kinds that point
at a person, confirmed in one post (title and edit reason included), hold it. The hold is the
moderation hold every other one is (``held_at``, ``held_reason``; ``services/moderation/state``):
hidden from everyone but its author and the category's moderators, out of lists, search,
counts and notifications. Its queue entry is the post's confidentiality review; clearing the
review releases the post (unless another hold, a watched word say, still waits for approval),
and a redaction settles it the same way.
"""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import ConfidentialityReview, ItemKind, Post, Thread, utcnow
from forum.pii import combination
from forum.policy import Actor
from forum.services import audit
from forum.services.confidentiality.guard import open_review_for
from forum.services.moderation import flags as moderation_flags
from forum.services.moderation import state as moderation_state
from forum.services.moderation.messages import MessageKind, tell_post_author
from forum.services.notifications import inbox as notifications


def is_held_for_check(post: Post) -> bool:
    return post.held_at is not None and combination.is_check_hold(post.held_reason)


def writer_note(post: Post) -> str:
    """What the writer is told after sending a post now held for a check ("" if it is not)."""
    if not is_held_for_check(post):
        return ""
    review = open_review_for(post.id)
    found = combination.listed(review.kind_list if review is not None else ())
    what = "thread" if post.post_number == 1 else "post"
    return (
        f"Your {what} is awaiting a confidentiality check. Read together, {found} could "
        "identify a person, so the moderators have been asked to check it. It will appear to "
        "other members once they have; until then only you and the moderators can see it."
    )


def opening_post(thread: Thread) -> Post | None:
    stmt = select(Post).where(Post.thread_id == thread.id, Post.post_number == 1)
    return db.session.scalar(stmt)


def pending_check(post: Post) -> ConfidentialityReview | None:
    """The post's open review when its kinds combine: the check the post still waits for."""
    review = open_review_for(post.id)
    if review is None or not combination.combines(review.kind_list):
        return None
    return review


def hold_if_combined(
    actor: Actor, post: Post, review: ConfidentialityReview | None, *, new: bool
) -> bool:
    """Hold ``post`` when the kinds of its open ``review`` combine; True when it waits for a
    check.

    A ``new`` post was never counted (the caller skipped the counters, as for any held post),
    so it is only marked; a published one is hidden again and its counts and notifications
    withdrawn. A post already held for another reason keeps that reason: approving it later
    leaves it held for this check (``keep_for_check``).
    """
    if review is None or not review.is_open or not combination.combines(review.kind_list):
        return False
    reason = combination.hold_reason(review.kind_list)
    if is_held_for_check(post):
        post.held_reason = reason  # the kinds may have grown
        db.session.flush()
        return True
    held_before = post.held_at is not None
    if not held_before and new:
        post.held_at, post.held_reason = utcnow(), reason
        moderation_state.sync_thread_hidden(post, post.held_at)
    elif not held_before:
        moderation_state.hold(post, reason=reason)
    audit.record(
        actor,
        "confidentiality.hold",
        target=post,
        before={"held": held_before},
        after={"held": True, "review_id": review.id, "kinds": review.kind_list},
        reason=reason,
    )
    db.session.flush()
    return True


def keep_for_check(post: Post) -> bool:
    """A moderator approved ``post`` held for another reason: keep it held if its
    confidentiality check is still to come. True when it stays held."""
    review = pending_check(post)
    if review is None:
        return False
    post.held_reason = combination.hold_reason(review.kind_list)
    db.session.flush()
    return True


def release_after_check(actor: Actor, post: Post, *, review_id: int | None = None) -> bool:
    """The check is done (cleared or redacted): publish ``post`` if it was held for it.

    It then appears, counts, bumps its thread and notifies watchers and those it mentions,
    as a new post does. Another hold still open (a watched word) keeps it held for that.
    """
    if not is_held_for_check(post) or post.is_deleted:
        return False
    other = moderation_flags.open_item_for(post.id, ItemKind.HELD)
    if other is not None:
        post.held_reason = (other.summary or "Awaiting approval by a moderator.")[:300]
        db.session.flush()
        return False
    moderation_state.release(post)
    notifications.post_reply_target(post.thread, post)
    audit.record(
        actor,
        "confidentiality.release",
        target=post,
        before={"held": True},
        after={"held": False, "review_id": review_id},
    )
    tell_post_author(
        post,
        MessageKind.POST_APPROVED,
        "A moderator checked your post for patient-identifiable details: everyone can see it now.",
        "",
    )
    db.session.flush()
    return True
