"""Post actions: hide and restore, delete, staff edit (each with a reason the author sees),
and, for admins, permanent purge."""

from __future__ import annotations

from sqlalchemy import delete, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    ItemKind,
    ModerationItem,
    Outcome,
    Post,
    QueueClaim,
    ReviewOutcome,
    Thread,
    utcnow,
)
from forum.policy import Actor, can_moderate_post, can_purge_post, require
from forum.services import audit
from forum.services.confidentiality.decisions import settle_reviews
from forum.services.discussions import posting as discussions
from forum.services.moderation import state as moderation_state
from forum.services.moderation.messages import MessageKind, tell_flaggers, tell_post_author
from forum.services.moderation.renumber import close_gap

REASON_MAX = 1000


def settle_open_items(actor: Actor, post: Post, outcome: str, reason: str) -> None:
    """Close the post's open queue items when a moderator acts on the post directly."""
    items = db.session.scalars(
        select(ModerationItem).where(
            ModerationItem.post_id == post.id, ModerationItem.resolved_at.is_(None)
        )
    ).all()
    for item in items:
        item.resolved_at, item.resolved_by_id = utcnow(), actor.id
        item.resolved_by_name, item.outcome = actor.display_name, outcome
        item.outcome_reason = reason[:1000]
        item.post = post
        db.session.execute(
            delete(QueueClaim).where(QueueClaim.subject == "item", QueueClaim.subject_id == item.id)
        )
        if item.kind == ItemKind.FLAG:
            tell_flaggers(item, outcome, reason)


def check_reason(reason: str, field: str = "reason") -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("Give a reason: the author sees it.", field)
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason to {REASON_MAX:,} characters or fewer.", field)
    return reason


def _state(post: Post) -> dict[str, bool]:
    return {"hidden": post.is_hidden, "held": post.is_held, "deleted": post.is_deleted}


def hide_post(actor: Actor, post: Post, *, reason: str) -> None:
    """Hide a post from members; its author sees it greyed out, with the reason."""
    require(can_moderate_post(actor, post))
    reason = check_reason(reason)
    if post.is_deleted:
        raise ServiceError("This post is deleted already.")
    before = _state(post)
    moderation_state.hide(post, reason=reason, by_id=actor.id)
    settle_open_items(actor, post, Outcome.HIDDEN, reason)
    audit.record(actor, "post.hide", target=post, before=before, after=_state(post), reason=reason)
    tell_post_author(post, MessageKind.POST_HIDDEN, "A moderator hid your post.", reason)


def restore_post(actor: Actor, post: Post, *, reason: str = "") -> None:
    """Show a hidden post again."""
    require(can_moderate_post(actor, post))
    if not post.is_hidden:
        raise ServiceError("This post is not hidden.")
    before = _state(post)
    moderation_state.unhide(post)
    audit.record(
        actor, "post.restore", target=post, before=before, after=_state(post), reason=reason
    )
    tell_post_author(post, MessageKind.POST_RESTORED, "A moderator restored your post.", reason)


def delete_post(actor: Actor, post: Post, *, reason: str) -> None:
    """Soft-delete a post: members see a placeholder; staff can still read it."""
    require(can_moderate_post(actor, post))
    reason = check_reason(reason)
    if post.is_deleted:
        raise ServiceError("This post is deleted already.")
    before = _state(post)
    moderation_state.soft_delete(post, by_id=actor.id)
    settle_open_items(actor, post, Outcome.DELETED, reason)
    settle_reviews(actor, post.id, ReviewOutcome.DELETED)  # nothing left to check
    audit.record(
        actor, "post.delete", target=post, before=before, after=_state(post), reason=reason
    )
    tell_post_author(post, MessageKind.POST_DELETED, "A moderator deleted your post.", reason)


def staff_edit_post(actor: Actor, post: Post, *, body: str, reason: str) -> None:
    """Edit someone's post as a moderator: the old text is kept as a revision, and the edit
    is audited by ``discussions.edit_post``."""
    require(can_moderate_post(actor, post))
    reason = check_reason(reason)
    if body == post.body_source:
        raise ServiceError("The text is unchanged: edit it, or choose another outcome.", "body")
    discussions.edit_post(actor, post, body=body, reason=reason)
    tell_post_author(post, MessageKind.POST_EDITED, "A moderator edited your post.", reason)


def purge_post(actor: Actor, post: Post, *, reason: str) -> int | None:
    """Remove a post and its history for good; later posts move up one number.

    Purging an opening post removes its whole thread. Returns the thread's id, or None when
    the thread went too.
    """
    require(can_purge_post(actor, post))
    reason = check_reason(reason)
    thread = post.thread
    before = {"thread_id": thread.id, "post_number": post.post_number, "author_id": post.author_id}
    audit.record(actor, "post.purge", target=post, before=before, reason=reason)
    moderation_state.lock_thread(thread.id)
    if post.post_number == 1:
        _purge_thread(thread)
        return None
    number, author_id = post.post_number, post.author_id
    db.session.execute(delete(Post).where(Post.id == post.id))
    close_gap(thread.id, number)
    moderation_state.refresh_thread(thread.id)
    moderation_state.refresh_category(thread.category_id)
    moderation_state.refresh_member(author_id)
    moderation_state.expire_counters(thread)
    return thread.id


def _purge_thread(thread: Thread) -> None:
    authors = db.session.scalars(
        select(Post.author_id).where(Post.thread_id == thread.id).distinct()
    ).all()
    db.session.execute(delete(Post).where(Post.thread_id == thread.id))
    db.session.execute(delete(Thread).where(Thread.id == thread.id))
    moderation_state.refresh_category(thread.category_id)
    for author_id in authors:
        moderation_state.refresh_member(author_id)
