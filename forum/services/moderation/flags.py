"""Flags: members report posts; repeat reports on a post gather into one queue item."""

from __future__ import annotations

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Flag, FlagReason, ItemKind, ModerationItem, Post, utcnow
from forum.models.moderation import MEMBER_FLAG_REASONS
from forum.policy import Actor, can_flag_post, require
from forum.services import audit
from forum.services.moderation import state as moderation_state
from forum.services.moderation.messages import MessageKind, tell_post_author

NOTE_MAX = 1000
PENDING_REVIEW = "Hidden while a moderator checks a report that it may identify a patient."


def open_item_for(post_id: int, kind: str) -> ModerationItem | None:
    stmt = select(ModerationItem).where(
        ModerationItem.post_id == post_id,
        ModerationItem.kind == kind,
        ModerationItem.resolved_at.is_(None),
    )
    return db.session.scalars(stmt.order_by(ModerationItem.id).limit(1)).first()


def open_item(post: Post, kind: str, *, summary: str = "") -> ModerationItem:
    """The post's open item of ``kind``, created if there is none (callers hold the lock)."""
    item = open_item_for(post.id, kind)
    if item is None:
        item = ModerationItem(kind=kind, post_id=post.id, summary=summary[:300])
        item.post = post
        db.session.add(item)
        db.session.flush()
    return item


def _check(reason: str, note: str) -> tuple[str, str]:
    if reason not in MEMBER_FLAG_REASONS:
        raise ServiceError("Choose why you are reporting this post.", "reason")
    note = note.strip()
    if reason == FlagReason.OTHER and not note:
        raise ServiceError("Tell the moderators what is wrong with this post.", "note")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note to {NOTE_MAX:,} characters or fewer.", "note")
    return reason, note


def _gather(item: ModerationItem, flag: Flag) -> Flag:
    flag.item_id, flag.post_id = item.id, item.post_id
    db.session.add(flag)
    item.flag_count += 1
    item.last_activity_at = flag.created_at
    db.session.flush()
    return flag


def flag_post(actor: Actor, post: Post, *, reason: str, note: str = "") -> Flag:
    """Report ``post``; a possible patient identifier hides it at once, pending review."""
    require(can_flag_post(actor, post))
    reason, note = _check(reason, note)
    moderation_state.lock_thread(post.thread_id)
    item = open_item(post, ItemKind.FLAG)
    if db.session.scalar(
        select(Flag.id).where(Flag.item_id == item.id, Flag.reporter_id == actor.id)
    ):
        raise ServiceError("You have already reported this post; a moderator will look at it.")
    flag = _gather(
        item,
        Flag(
            reporter_id=actor.id,
            reporter_name=actor.display_name,
            reason=reason,
            note=note,
            created_at=utcnow(),
        ),
    )
    if reason == FlagReason.PATIENT_IDENTIFIER and post.hidden_at is None:
        _hide_pending_review(actor, post, item)
    return flag


def _hide_pending_review(actor: Actor, post: Post, item: ModerationItem) -> None:
    moderation_state.hide(post, reason=PENDING_REVIEW, by_id=None)
    item.hid_post = True
    audit.record(
        actor,
        "post.hide_pending_review",
        target=post,
        before={"hidden": False},
        after={"hidden": True},
        reason="Reported as a possible patient identifier",
    )
    tell_post_author(
        post,
        MessageKind.POST_HIDDEN,
        "Your post was hidden while a moderator checks it for patient-identifiable details.",
        "Another member reported that it may identify a patient. If it does, edit it out when "
        "a moderator gets in touch; if not, it will be shown again.",
    )


def raise_system_flag(post: Post, reason_text: str) -> Flag:
    """A flag raised by the forum itself (a watched word), gathered like members' flags."""
    item = open_item(post, ItemKind.FLAG)
    flag = Flag(
        reporter_id=None,
        reporter_name="Forum (watched words)",
        reason=FlagReason.WATCHED_WORD,
        note=reason_text[:NOTE_MAX],
        created_at=utcnow(),
    )
    return _gather(item, flag)
