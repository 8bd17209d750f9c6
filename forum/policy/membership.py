"""Membership and staff pages: join requests, invitations, members' accounts, the pledge and
notification settings.
"""

from __future__ import annotations

from typing import Any

from forum.models import Role
from forum.policy.actors import Actor, is_admin, is_member, is_staff


def can_view_staff_pages(actor: Actor) -> bool:
    return is_staff(actor)


def can_review_join_requests(actor: Actor) -> bool:
    return is_staff(actor)


def can_invite(actor: Actor, role: str = Role.MEMBER) -> bool:
    """Moderators invite members; only admins invite staff."""
    if role == Role.MEMBER:
        return is_staff(actor)
    return is_admin(actor)


def can_manage_member(actor: Actor, member: Any) -> bool:
    """Change role, deactivate, reactivate, purge posts: admins, never on themselves."""
    return is_admin(actor) and member.id != actor.id


def can_manage_groups(actor: Actor) -> bool:
    """Create groups, change their members and restrict categories to them: admins."""
    return is_admin(actor)


def can_publish_pledge(actor: Actor) -> bool:
    return is_admin(actor)


def can_edit_profile(actor: Actor, member: Any) -> bool:
    return is_member(actor) and (member.id == actor.id or is_admin(actor))


def can_manage_own_account(actor: Actor, member: Any) -> bool:
    """Export, delete, email address and two-factor settings: the member themselves only."""
    return is_member(actor) and member.id == actor.id


def can_manage_notifications(actor: Actor, user_id: int | None) -> bool:
    """Settings, watching levels and marking notifications read: the member's own only."""
    return is_member(actor) and user_id is not None and actor.id == user_id


def can_keep_learning_log(actor: Actor) -> bool:
    """Any signed-in member keeps a learning log of their own."""
    return is_member(actor)


def can_change_learning_entry(actor: Actor, entry: Any) -> bool:
    """Read, edit, delete and export a learning-log entry: its author alone, staff neither."""
    return is_member(actor) and entry.user_id == actor.id
