"""The one permission policy. Pure functions, deny by default.

Views and templates call ``can_*`` to decide what to show; services call ``require`` before
changing anything. ``visible_*_clause`` express the same read rules in SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, true
from werkzeug.exceptions import Forbidden

from forum.models import Category, Post, Role, Thread


class Actor(Protocol):
    id: Any
    role: str

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


class AnonymousActor:
    """Nobody signed in: may do nothing."""

    id = None
    role = ""
    username = ""
    display_name = "Guest"
    is_authenticated = False
    is_active = False
    is_anonymous = True
    is_staff = False

    def get_id(self) -> None:
        return None


class SystemActor:
    """The command line and background jobs, acting with admin rights."""

    id = None
    role = Role.ADMIN
    username = "system"
    display_name = "System"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = True


ANONYMOUS = AnonymousActor()
SYSTEM = SystemActor()


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``."""
    if not allowed:
        raise Forbidden("You do not have permission to do that.")


def is_member(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def is_staff(actor: Actor) -> bool:
    return is_member(actor) and actor.role in (Role.MODERATOR, Role.ADMIN)


def is_admin(actor: Actor) -> bool:
    return is_member(actor) and actor.role == Role.ADMIN


# Reading ---------------------------------------------------------------------------------


def can_view_category(actor: Actor, category: Category) -> bool:
    if not is_member(actor):
        return False
    return not category.is_staff_only or is_staff(actor)


def can_view_thread(actor: Actor, thread: Thread) -> bool:
    return thread.deleted_at is None and can_view_category(actor, thread.category)


def visible_categories_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Category`` matching ``can_view_category``."""
    if not is_member(actor):
        return Category.id.is_(None)
    if is_staff(actor):
        return true()
    return Category.is_staff_only.is_(False)


def visible_threads_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter for a query joined to ``Category``, matching ``can_view_thread``."""
    return and_(visible_categories_clause(actor), Thread.deleted_at.is_(None))


# Writing ---------------------------------------------------------------------------------


def can_create_thread(actor: Actor, category: Category) -> bool:
    return can_view_category(actor, category)


def can_reply(actor: Actor, thread: Thread) -> bool:
    if not can_view_thread(actor, thread):
        return False
    return not thread.is_locked or is_staff(actor)


def _is_author(actor: Actor, post: Post) -> bool:
    return post.author_id is not None and post.author_id == actor.id


def can_edit_post(actor: Actor, post: Post, *, now: datetime | None = None) -> bool:
    if not can_view_thread(actor, post.thread) or post.is_deleted:
        return False
    if is_staff(actor):
        return True
    return _is_author(actor, post) and not post.thread.is_locked


def can_delete_post(actor: Actor, post: Post) -> bool:
    thread = post.thread
    if not can_view_thread(actor, thread) or post.is_deleted:
        return False
    if is_staff(actor):
        return True
    if post.post_number == 1 and thread.reply_count > 0:
        return False  # the replies would lose their question
    return _is_author(actor, post) and not thread.is_locked
