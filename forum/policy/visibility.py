"""Who sees what: categories, threads and posts, as checks and as SQL clauses, and who
moderates where (global moderators and admins everywhere; a member made moderator of chosen
categories in those only).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true

from forum.models import Category, CategoryGroup, Post, Thread
from forum.policy.actors import (
    Actor,
    group_ids,
    in_any_group,
    is_member,
    is_staff,
    moderated_category_ids,
)


def can_view_category(actor: Actor, category: Category) -> bool:
    """Members see every category but staff-only ones and those restricted to groups they
    are not in; staff see everything."""
    if not is_member(actor):
        return False
    if is_staff(actor):
        return True
    if category.is_staff_only:
        return False
    return not category.read_group_ids or in_any_group(actor, category.read_group_ids)


def can_view_thread(actor: Actor, thread: Thread) -> bool:
    if thread.deleted_at is not None or not can_view_category(actor, thread.category):
        return False
    # Opening post hidden or awaiting approval: its author and moderators only.
    if thread.hidden_at is not None:
        is_author = thread.author_id is not None and thread.author_id == actor.id
        return is_author or can_moderate(actor, thread.category)
    return True


def visible_categories_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Category`` matching ``can_view_category``."""
    if not is_member(actor):
        return Category.id.is_(None)
    if is_staff(actor):
        return true()
    return and_(Category.is_staff_only.is_(False), _readable_by_groups_clause(actor))


def _readable_by_groups_clause(actor: Actor) -> ColumnElement[bool]:
    """No group named to read the category, or one of the actor's groups is (the rows
    ``categories.read_group_ids`` caches, so SQL and ``can_view_category`` agree)."""
    restricted = select(CategoryGroup.category_id).where(CategoryGroup.may_read.is_(True))
    open_to_all = Category.id.not_in(restricted)
    if not (ids := group_ids(actor)):
        return open_to_all
    theirs = restricted.where(CategoryGroup.group_id.in_(sorted(ids)))
    return or_(open_to_all, Category.id.in_(theirs))


def visible_threads_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter for a query joined to ``Category``, matching ``can_view_thread``."""
    return and_(visible_categories_clause(actor), visible_thread_state_clause(actor))


def is_post_author(actor: Actor, post: Post) -> bool:
    return post.author_id is not None and post.author_id == actor.id


def can_moderate(actor: Actor, category: Category) -> bool:
    """May ``actor`` act on threads and posts in ``category``?"""
    if is_staff(actor):
        return True
    return category.id in moderated_category_ids(actor) and can_view_category(actor, category)


def can_access_moderation(actor: Actor) -> bool:
    """May ``actor`` open the review queue (it shows only what they may moderate)?"""
    return is_staff(actor) or bool(moderated_category_ids(actor))


def is_public_post(post: Post) -> bool:
    return post.hidden_at is None and post.held_at is None


def can_view_post(actor: Actor, post: Post) -> bool:
    """Hidden and held posts: only their author and the category's moderators see them."""
    if not can_view_thread(actor, post.thread):
        return False
    return (
        is_public_post(post)
        or is_post_author(actor, post)
        or can_moderate(actor, post.thread.category)
    )


def visible_posts_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Post`` (joined to ``Thread``) matching ``can_view_post``'s hidden/held
    rule; combine it with ``visible_threads_clause`` and your own ``deleted_at`` rule."""
    public = and_(Post.hidden_at.is_(None), Post.held_at.is_(None))
    if not is_member(actor):
        return public
    if is_staff(actor):
        return true()
    allowed = [public, Post.author_id == actor.id]
    if ids := moderated_category_ids(actor):
        allowed.append(Thread.category_id.in_(sorted(ids)))
    return or_(*allowed)


def visible_thread_state_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Thread`` alone: not deleted, and hidden threads only for their author
    and the category's moderators (``visible_threads_clause`` adds the category rule)."""
    if is_staff(actor):
        return Thread.deleted_at.is_(None)
    allowed = [Thread.hidden_at.is_(None)]
    if is_member(actor):
        allowed.append(Thread.author_id == actor.id)
    if ids := moderated_category_ids(actor):
        allowed.append(Thread.category_id.in_(sorted(ids)))
    return and_(Thread.deleted_at.is_(None), or_(*allowed))


def can_be_notified_about(user: Any, thread: Thread) -> bool:
    """May ``user`` hear about new posts in ``thread`` (in-app or by email)?"""
    return can_view_thread(user, thread)
