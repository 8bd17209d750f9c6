"""Telling members what moderators decided: about their posts, their reports, and them.

``tell_member`` is the one place an outcome reaches a member. It stores a message they read on
their "Moderation messages" page; a notifications feature can hook in here (email, a bell)
without touching the services that decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Flag, ModerationItem, ModerationMessage, Outcome, Post
from forum.services.notifications import inbox as notifications


class MessageKind(StrEnum):
    POST_HIDDEN = "post_hidden"
    POST_RESTORED = "post_restored"
    POST_DELETED = "post_deleted"
    POST_EDITED = "post_edited"
    POST_APPROVED = "post_approved"
    POST_REJECTED = "post_rejected"
    #: Patient-identifiable details were removed from the post
    #: (services/confidentiality/redaction.py).
    POST_REDACTED = "post_redacted"
    REPORT_OUTCOME = "report_outcome"
    WARNING = "warning"
    SILENCE = "silence"
    SUSPENSION = "suspension"
    BAN = "ban"
    SANCTION_LIFTED = "sanction_lifted"


def tell_member(
    user_id: int | None,
    kind: MessageKind,
    summary: str,
    *,
    reason: str = "",
    post: Post | None = None,
) -> ModerationMessage | None:
    """Record an outcome for member ``user_id`` (nobody, if the account is gone)."""
    if user_id is None:
        return None
    message = ModerationMessage(
        user_id=user_id,
        kind=kind,
        summary=summary[:300],
        reason=reason[:1000],
        post_id=post.id if post is not None else None,
        thread_title=post.thread.title if post is not None else "",
    )
    db.session.add(message)
    notifications.notify_moderation(message)
    return message


#: What members who reported a post are told, by outcome.
REPORT_OUTCOMES = {
    Outcome.HIDDEN: "A moderator agreed with your report and hid the post.",
    Outcome.DELETED: "A moderator agreed with your report and deleted the post.",
    Outcome.EDITED: "A moderator agreed with your report and edited the post.",
    Outcome.WARNED: "A moderator agreed with your report and warned the post's author.",
    Outcome.DISMISSED: "A moderator looked at your report and decided no action was needed.",
}


def tell_flaggers(item: ModerationItem, outcome: str, reason: str) -> None:
    """Tell each member who reported the item's post what was decided.

    The reason is addressed to the author when their post was affected, so flaggers see it
    only for a dismissal.
    """
    reporters = db.session.scalars(
        select(Flag.reporter_id).where(Flag.item_id == item.id, Flag.reporter_id.is_not(None))
    ).all()
    summary = REPORT_OUTCOMES.get(outcome)
    if summary is None:
        return
    shown_reason = reason if outcome == Outcome.DISMISSED else ""
    for reporter_id in sorted(set(reporters)):
        tell_member(
            reporter_id, MessageKind.REPORT_OUTCOME, summary, reason=shown_reason, post=item.post
        )


def tell_post_author(post: Post, kind: MessageKind, summary: str, reason: str = "") -> None:
    tell_member(post.author_id, kind, summary, reason=reason, post=post)


def messages_for(user_id: int, limit: int = 100) -> Sequence[ModerationMessage]:
    """The member's moderation messages, newest first."""
    stmt = (
        select(ModerationMessage)
        .where(ModerationMessage.user_id == user_id)
        .order_by(ModerationMessage.created_at.desc(), ModerationMessage.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


def reports_by(user_id: int, limit: int = 100) -> Sequence[Flag]:
    """The member's own reports, newest first, with what became of them."""
    stmt = (
        select(Flag)
        .options(joinedload(Flag.item).joinedload(ModerationItem.post).joinedload(Post.thread))
        .where(Flag.reporter_id == user_id)
        .order_by(Flag.created_at.desc(), Flag.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).unique().all()
