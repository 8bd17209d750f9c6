"""Staff actions on members: role, deactivation, deleting an account for its member,
purging a former member's posts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Post, Role, Thread, User, utcnow
from forum.policy import Actor, can_manage_member, require
from forum.services import audit
from forum.services.discussions import posting as discussions
from forum.services.membership import api_tokens, data, leaving


def change_role(actor: Actor, user: User, role: str) -> None:
    require(can_manage_member(actor, user))
    if role not in set(Role):
        raise ServiceError(f"Unknown role {role!r}.", "role")
    if user.anonymised_at is not None:
        raise ServiceError("That account was deleted by its owner.")
    if role == user.role:
        return
    before = {"role": user.role}
    user.role = role
    audit.record(actor, "member.role_change", target=user, before=before, after={"role": role})
    db.session.flush()


def deactivate_member(actor: Actor, user: User, *, reason: str = "") -> None:
    """Stop the member signing in; their open sessions end at once."""
    require(can_manage_member(actor, user))
    if user.deactivated_at is not None:
        return
    user.deactivated_at = utcnow()
    user.session_version += 1
    api_tokens.revoke_all(user)
    audit.record(actor, "member.deactivate", target=user, reason=reason)
    db.session.flush()


def reactivate_member(actor: Actor, user: User) -> None:
    require(can_manage_member(actor, user))
    if user.anonymised_at is not None:
        raise ServiceError("That account was deleted by its owner and cannot come back.")
    if user.deactivated_at is None:
        return
    user.deactivated_at = None
    audit.record(actor, "member.reactivate", target=user)
    db.session.flush()


def delete_member_account(actor: Actor, user: User, *, reason: str = "") -> None:
    """Delete a member's account for them (they asked staff, or left the programme): the
    account is anonymised and their name forgotten exactly as when they delete it."""
    require(can_manage_member(actor, user))
    if user.anonymised_at is not None:
        raise ServiceError("That account is deleted already.")
    who = leaving.identity_record(user)
    data.anonymise(user)
    audit.record(actor, leaving.DELETED, target=user, before=who, reason=reason)
    db.session.flush()


def purge_member_posts(actor: Actor, user: User, *, reason: str = "") -> int:
    """Delete every post of a member (usually a former member); returns how many."""
    require(can_manage_member(actor, user))
    stmt = (
        select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.category))
        .where(Post.author_id == user.id, Post.deleted_at.is_(None))
        .order_by(Post.post_number.desc())
    )
    posts = db.session.scalars(stmt).unique().all()
    for post in posts:
        discussions.delete_post(actor, post)
    audit.record(
        actor, "member.purge_posts", target=user, reason=reason, after={"posts": len(posts)}
    )
    db.session.flush()
    return len(posts)
