"""Deciding queue entries: agree with reports (hide, delete, edit, warn) or dismiss them,
approve or reject held posts, and approve or reject join requests.

Each decision closes its item with one conditional UPDATE, so when two moderators decide at
once, exactly one wins and the other is told who did.
"""

from __future__ import annotations

from sqlalchemy import update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import ItemKind, JoinRequest, ModerationItem, Outcome, Post, User, utcnow
from forum.policy import Actor, can_moderate_post, require
from forum.services import audit
from forum.services.confidentiality import holds as confidentiality_holds
from forum.services.membership import join_requests
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import state as moderation_state
from forum.services.moderation.members import warn_member
from forum.services.moderation.messages import MessageKind, tell_flaggers, tell_post_author
from forum.services.moderation.posts import check_reason
from forum.services.moderation.queue import (
    ITEM,
    JOIN_REQUEST,
    check_not_claimed_by_another,
    release_claim,
)

FLAG_OUTCOMES = (Outcome.HIDDEN, Outcome.DELETED, Outcome.WARNED, Outcome.DISMISSED)
DECISION_COLUMNS = [
    "resolved_at",
    "resolved_by_id",
    "resolved_by_name",
    "outcome",
    "outcome_reason",
    "warned",
]


def _post_state(post: Post) -> dict[str, bool]:
    return {"hidden": post.is_hidden, "held": post.is_held, "deleted": post.is_deleted}


def _close(
    actor: Actor, item: ModerationItem, outcome: str, reason: str, warned: bool
) -> dict[str, object]:
    """Mark the item decided, unless someone else got there first; returns the "before"
    the audit entry will show."""
    check_not_claimed_by_another(actor, ITEM, item.id)
    result = db.session.execute(
        update(ModerationItem)
        .where(ModerationItem.id == item.id, ModerationItem.resolved_at.is_(None))
        .values(
            resolved_at=utcnow(),
            resolved_by_id=actor.id,
            resolved_by_name=actor.display_name,
            outcome=outcome,
            outcome_reason=reason,
            warned=warned,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(item, DECISION_COLUMNS)
    if result.rowcount != 1:
        raise ServiceError(f"{item.resolved_by_name or 'A moderator'} has decided this already.")
    release_claim(ITEM, item.id)
    return {"reports": item.flag_count, **_post_state(item.post)}


def _record(actor: Actor, item: ModerationItem, before: dict, reason: str) -> None:
    """One audit entry per decision: the post's state before and after, and the outcome."""
    after = {"outcome": item.outcome, "warned": item.warned, **_post_state(item.post)}
    audit.record(
        actor,
        f"queue.{item.kind}.{item.outcome}",
        target=item.post,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.flush()


def _require_open(actor: Actor, item: ModerationItem, kind: str) -> None:
    require(can_moderate_post(actor, item.post))
    if item.kind != kind:
        raise ServiceError("That action does not apply to this entry.")
    if not item.is_open:
        raise ServiceError(f"{item.resolved_by_name or 'A moderator'} has decided this already.")


def _warn_author(actor: Actor, item: ModerationItem, reason: str) -> None:
    author = db.session.get(User, item.post.author_id) if item.post.author_id else None
    if author is None:
        raise ServiceError("The author's account no longer exists, so they cannot be warned.")
    warn_member(actor, author, reason=reason, post=item.post)


def resolve_reports(
    actor: Actor, item: ModerationItem, *, outcome: str, reason: str, warn: bool = False
) -> None:
    """Agree with the reports on a post (hide it, delete it, or warn its author) or dismiss
    them; the author sees the reason when their post is affected."""
    _require_open(actor, item, ItemKind.FLAG)
    if outcome not in FLAG_OUTCOMES:
        raise ServiceError("Choose what to do about the reports.", "outcome")
    reason = check_reason(reason)
    warn = warn or outcome == Outcome.WARNED
    before = _close(actor, item, outcome, reason, warn)
    post = item.post
    if outcome == Outcome.HIDDEN:
        _hide_for_reports(post, reason, actor)
    elif outcome == Outcome.DELETED and not post.is_deleted:
        moderation_state.soft_delete(post, by_id=actor.id)
        tell_post_author(post, MessageKind.POST_DELETED, "A moderator deleted your post.", reason)
    elif outcome == Outcome.DISMISSED and item.hid_post and post.is_hidden:
        moderation_state.unhide(post)
        tell_post_author(
            post,
            MessageKind.POST_RESTORED,
            "Your post is shown again.",
            "A moderator checked it and found no problem.",
        )
    if warn:
        _warn_author(actor, item, reason)
    tell_flaggers(item, outcome, reason)
    _record(actor, item, before, reason)


def _hide_for_reports(post: Post, reason: str, actor: Actor) -> None:
    moderation_state.hide(post, reason=reason, by_id=actor.id)
    tell_post_author(post, MessageKind.POST_HIDDEN, "A moderator hid your post.", reason)


def edit_and_resolve(
    actor: Actor, item: ModerationItem, *, body: str, reason: str, warn: bool = False
) -> None:
    """Agree with the reports by editing the post (kept as a revision by the moderator)."""
    _require_open(actor, item, ItemKind.FLAG)
    reason = check_reason(reason)
    check_not_claimed_by_another(actor, ITEM, item.id)
    moderation_posts.staff_edit_post(actor, item.post, body=body, reason=reason)
    before = _close(actor, item, Outcome.EDITED, reason, warn)
    if item.hid_post and item.post.is_hidden:
        moderation_state.unhide(item.post)
    if warn:
        _warn_author(actor, item, reason)
    tell_flaggers(item, Outcome.EDITED, reason)
    _record(actor, item, before, reason)


def approve_post(actor: Actor, item: ModerationItem, *, note: str = "") -> None:
    """Let a held post appear."""
    _require_open(actor, item, ItemKind.HELD)
    if item.post.is_deleted:
        raise ServiceError("Its author has deleted this post, so there is nothing to approve.")
    note = " ".join(note.split())[:1000]
    before = _close(actor, item, Outcome.APPROVED, note, False)
    # Identifiers that combine still wait for their confidentiality check.
    waits = confidentiality_holds.keep_for_check(item.post)
    if item.post.is_held and not waits:
        moderation_state.release(item.post)
    tell_post_author(
        item.post,
        MessageKind.POST_APPROVED,
        "A moderator approved your post; it is shown once its confidentiality check is done."
        if waits
        else "A moderator approved your post: everyone can see it now.",
        note,
    )
    _record(actor, item, before, note)


def reject_post(actor: Actor, item: ModerationItem, *, reason: str) -> None:
    """Refuse a held post: it is deleted and its author told why."""
    _require_open(actor, item, ItemKind.HELD)
    reason = check_reason(reason)
    before = _close(actor, item, Outcome.REJECTED, reason, False)
    if not item.post.is_deleted:
        moderation_state.soft_delete(item.post, by_id=actor.id)
    tell_post_author(
        item.post, MessageKind.POST_REJECTED, "A moderator did not approve your post.", reason
    )
    _record(actor, item, before, reason)


def decide_join_request(
    actor: Actor, request: JoinRequest, *, approve: bool, reason: str = ""
) -> None:
    """Approve or reject a join request from the queue (the membership rules apply)."""
    check_not_claimed_by_another(actor, JOIN_REQUEST, request.id)
    if approve:
        join_requests.approve_join_request(actor, request)
    else:
        join_requests.reject_join_request(actor, request, reason)
    release_claim(JOIN_REQUEST, request.id)
