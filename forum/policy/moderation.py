"""Moderation: actions on posts, threads and members (sanctions live on the user row, so
checks stay pure), and the confidentiality guard's reviews and breach response (redaction
rewrites a post's history, so it is for staff, as is the incident record).
"""

from __future__ import annotations

from typing import Any

from forum.models import Category, Post, Role, Thread
from forum.policy.actors import Actor, is_admin, is_member, is_staff
from forum.policy.visibility import can_moderate, can_view_post, can_view_thread, is_post_author


def can_flag_post(actor: Actor, post: Post) -> bool:
    """Members report others' posts they can see (silenced members too: reading is allowed)."""
    if not is_member(actor) or post.is_deleted or is_post_author(actor, post):
        return False
    return can_view_post(actor, post)


def can_moderate_post(actor: Actor, post: Post) -> bool:
    """Hide, restore, delete or edit with a reason, and handle its queue items."""
    return can_view_thread(actor, post.thread) and can_moderate(actor, post.thread.category)


def can_purge_post(actor: Actor, post: Post) -> bool:
    """Permanent removal, for admins only."""
    return is_admin(actor) and can_view_thread(actor, post.thread)


def can_moderate_thread(actor: Actor, thread: Thread) -> bool:
    """Lock, pin, rename, split; moving and merging also need the other category."""
    return can_view_thread(actor, thread) and can_moderate(actor, thread.category)


def can_pin_globally(actor: Actor, thread: Thread) -> bool:
    """A site-wide pin shows on everyone's home page, so it is for staff."""
    return is_staff(actor) and can_view_thread(actor, thread)


def can_move_thread(actor: Actor, thread: Thread, destination: Category) -> bool:
    if destination.id == thread.category_id:
        return False
    return can_moderate_thread(actor, thread) and can_moderate(actor, destination)


def can_merge_threads(actor: Actor, source: Thread, target: Thread) -> bool:
    if source.id == target.id:
        return False
    return can_moderate_thread(actor, source) and can_moderate_thread(actor, target)


_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


def _outranks(actor: Actor, member: Any) -> bool:
    return _RANK.get(actor.role, -1) > _RANK.get(member.role, 0)


def can_sanction_member(actor: Actor, member: Any) -> bool:
    """Silence, suspend, ban and lift them: staff, on members of a lower role, never oneself."""
    return is_staff(actor) and member.id != actor.id and _outranks(actor, member)


def can_warn_member(actor: Actor, member: Any, category: Category | None = None) -> bool:
    """Formal warnings: as for sanctions, and category moderators about posts they moderate."""
    if can_sanction_member(actor, member):
        return True
    if category is None or member.id == actor.id or member.role != Role.MEMBER:
        return False
    return can_moderate(actor, category)


def can_view_member_record(actor: Actor) -> bool:
    """Staff notes, sanctions and the member pages under /mod/members."""
    return is_staff(actor)


def can_assign_category_moderators(actor: Actor) -> bool:
    return is_admin(actor)


def can_manage_watched_words(actor: Actor) -> bool:
    return is_staff(actor)


def can_view_audit_log(actor: Actor) -> bool:
    return is_staff(actor)


def can_review_confidentiality(actor: Actor, post: Post) -> bool:
    """Clear a confirmed post from the review queue: its category's moderators."""
    return can_moderate_post(actor, post)


def can_redact_post(actor: Actor, post: Post) -> bool:
    """Replace identifiers in a post, its revisions and copies with "[redacted]"."""
    return is_staff(actor) and can_view_thread(actor, post.thread)


def can_view_confidentiality_incidents(actor: Actor) -> bool:
    return is_staff(actor)
