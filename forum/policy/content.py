"""Writing and answering: starting threads, replying, editing and deleting posts; solutions,
helpful marks, bookmarks, revisions, tags and the case question template; and keeping the
categories themselves.

An archived category is read-only: nobody starts threads or replies there, and members no
longer edit, delete, mark or tag what it holds; its moderators still moderate (edit, delete,
hide, move, change a solution or tags), and everyone who could read it still can.
"""

from __future__ import annotations

from datetime import datetime

from forum.models import Category, Post, Thread
from forum.policy.actors import Actor, can_post, in_any_group, is_admin, is_member, is_staff
from forum.policy.visibility import (
    can_moderate,
    can_view_category,
    can_view_post,
    can_view_thread,
    is_post_author,
    is_public_post,
)


def is_archived(category: Category) -> bool:
    return category.archived_at is not None


def may_write_in(actor: Actor, category: Category) -> bool:
    """Posting restricted to groups: their members, staff and the category's moderators;
    otherwise everyone who may read it. Nobody writes in an archived category."""
    if is_archived(category):
        return False
    if not category.post_group_ids or can_moderate(actor, category):
        return can_view_category(actor, category)
    return can_view_category(actor, category) and in_any_group(actor, category.post_group_ids)


def can_create_thread(actor: Actor, category: Category) -> bool:
    return may_write_in(actor, category) and can_post(actor)


def can_reply(actor: Actor, thread: Thread) -> bool:
    if not can_view_thread(actor, thread) or not can_post(actor):
        return False
    if not may_write_in(actor, thread.category):
        return False
    if thread.is_locked or thread.hidden_at is not None:
        return can_moderate(actor, thread.category)
    return True


def can_edit_post(actor: Actor, post: Post, *, now: datetime | None = None) -> bool:
    if not can_view_thread(actor, post.thread) or post.is_deleted:
        return False
    if can_moderate(actor, post.thread.category):
        return True
    if post.hidden_at is not None or not can_post(actor, now=now):
        return False  # hidden: moderators decide; silenced: cannot write
    return is_post_author(actor, post) and _is_open(post.thread)


def can_delete_post(actor: Actor, post: Post) -> bool:
    thread = post.thread
    if not can_view_thread(actor, thread) or post.is_deleted:
        return False
    if can_moderate(actor, thread.category):
        return True
    if post.post_number == 1 and thread.reply_count > 0:
        return False  # the replies would lose their question
    return is_post_author(actor, post) and _is_open(thread)


def _is_open(thread: Thread) -> bool:
    """Neither locked nor in an archived category: its authors may still change it."""
    return not thread.is_locked and not is_archived(thread.category)


SOLVABLE_KINDS = frozenset({"question", "case"})


def is_solvable(thread: Thread) -> bool:
    """Questions and case questions can have a solution; discussions cannot."""
    return (thread.kind or "question") in SOLVABLE_KINDS


def _is_thread_author(actor: Actor, thread: Thread) -> bool:
    return thread.author_id is not None and thread.author_id == actor.id


def can_accept_solution(actor: Actor, thread: Thread, post: Post) -> bool:
    """The question's author or a moderator of its category picks one visible reply."""
    if post.thread_id != thread.id or post.post_number == 1 or post.is_deleted:
        return False
    if not is_public_post(post):
        return False
    if post.answer_withdrawn_at is not None and not can_moderate(actor, thread.category):
        return False  # staff withdrew it after a review: only a moderator may choose it again
    return can_change_solution(actor, thread)


def can_change_solution(actor: Actor, thread: Thread) -> bool:
    """May ``actor`` accept, change or clear the solution of ``thread`` at all?"""
    if not is_member(actor) or not can_view_thread(actor, thread):
        return False
    if not is_solvable(thread):
        return False
    if can_moderate(actor, thread.category):
        return True
    return _is_thread_author(actor, thread) and not is_archived(thread.category)


def can_mark_helpful(actor: Actor, post: Post) -> bool:
    """Members mark others' visible posts helpful (and take it back); never their own."""
    if not is_member(actor) or post.is_deleted or is_post_author(actor, post):
        return False
    if is_archived(post.thread.category):
        return False
    return is_public_post(post) and can_view_post(actor, post)


def can_bookmark(actor: Actor, post: Post) -> bool:
    return is_member(actor) and not post.is_deleted and can_view_post(actor, post)


def can_view_revisions(actor: Actor, post: Post) -> bool:
    """The post's author and moderators of its category; others only see "edited"."""
    if not is_member(actor) or not can_view_post(actor, post):
        return False
    return is_post_author(actor, post) or can_moderate(actor, post.thread.category)


def can_tag_thread(actor: Actor, thread: Thread) -> bool:
    """Change a thread's tags after it was started: its author or a moderator."""
    if not can_view_thread(actor, thread):
        return False
    if can_moderate(actor, thread.category):
        return True
    return _is_thread_author(actor, thread) and can_post(actor) and _is_open(thread)


def can_manage_tags(actor: Actor) -> bool:
    return is_staff(actor)


def can_manage_search_terms(actor: Actor) -> bool:
    """Keep the search thesaurus (/admin/search-terms): staff."""
    return is_staff(actor)


def can_manage_categories(actor: Actor) -> bool:
    """Create, edit, order, archive and delete categories, and set their flags: admins."""
    return is_admin(actor)
