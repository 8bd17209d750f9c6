"""Read side of moderation: loading what a moderation page shows (404 for what the actor may
not see), and the few moderation facts other pages show."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import (
    Category,
    Flag,
    JoinRequest,
    ModerationItem,
    Post,
    PostRevision,
    Thread,
    User,
    WatchedWord,
)
from forum.policy import (
    Actor,
    can_moderate,
    can_review_join_requests,
    can_view_category,
    can_view_post,
    can_view_thread,
    visible_categories_clause,
)


def _not_found(what: str) -> NotFound:
    return NotFound(f"That {what} does not exist, or you cannot see it.")


def load_items(ids: Sequence[int]) -> dict[int, ModerationItem]:
    """Queue items by id, each with its post, thread, category, author and flags."""
    stmt = (
        select(ModerationItem)
        .options(
            joinedload(ModerationItem.post).joinedload(Post.thread).joinedload(Thread.category),
            joinedload(ModerationItem.post).joinedload(Post.author),
            selectinload(ModerationItem.flags),
        )
        .where(ModerationItem.id.in_(ids))
    )
    return {item.id: item for item in db.session.scalars(stmt).unique()}


def get_item_or_404(item_id: int, actor: Actor) -> ModerationItem:
    """A queue item with its post, thread, category, author and flags."""
    item = load_items([item_id]).get(item_id)
    if item is None or not can_view_post(actor, item.post):
        raise _not_found("queue entry")
    return item


def get_join_request_or_404(request_id: int, actor: Actor) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or not can_review_join_requests(actor):
        raise _not_found("join request")
    return request


def get_category_or_404(category_id: int | None, actor: Actor) -> Category:
    category = db.session.get(Category, category_id) if category_id else None
    if category is None or not can_view_category(actor, category):
        raise _not_found("category")
    return category


def get_watched_word_or_404(word_id: int) -> WatchedWord:
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise _not_found("watched word")
    return word


def moderated_categories(actor: Actor) -> Sequence[Category]:
    """The categories the actor may moderate, in display order."""
    stmt = select(Category).where(visible_categories_clause(actor))
    categories = db.session.scalars(stmt.order_by(Category.position, Category.name)).all()
    return [c for c in categories if can_moderate(actor, c)]


def assignable_categories() -> Sequence[Category]:
    """Categories a member can be made moderator of (staff-only ones are staff's)."""
    stmt = select(Category).where(Category.is_staff_only.is_(False))
    return db.session.scalars(stmt.order_by(Category.position, Category.name)).all()


def items_for_post(post: Post) -> Sequence[ModerationItem]:
    """Every queue item about a post, newest first, with its flags."""
    stmt = (
        select(ModerationItem)
        .options(selectinload(ModerationItem.flags))
        .where(ModerationItem.post_id == post.id)
        .order_by(ModerationItem.created_at.desc(), ModerationItem.id.desc())
    )
    items = db.session.scalars(stmt).all()
    for item in items:
        item.post = post
    return items


def revisions_of(post: Post) -> Sequence[PostRevision]:
    stmt = select(PostRevision).where(PostRevision.post_id == post.id)
    return db.session.scalars(stmt.order_by(PostRevision.revision_number.desc())).all()


def thread_posts_for_split(thread: Thread, number: int, per_page: int) -> Sequence[Post]:
    """A page of a thread's posts (every state) for choosing which to split off."""
    stmt = (
        select(Post)
        .where(
            Post.thread_id == thread.id,
            Post.post_number > (number - 1) * per_page,
            Post.post_number <= number * per_page,
        )
        .order_by(Post.post_number)
    )
    return db.session.scalars(stmt).all()


def find_members(query: str, limit: int = 50) -> Sequence[User]:
    """Members whose name, username or email contains ``query`` (or the newest, without)."""
    stmt = select(User)
    if query:
        needle = query.lstrip("@").lower()
        stmt = stmt.where(
            or_(
                func.lower(User.display_name).contains(needle, autoescape=True),
                User.username.contains(needle, autoescape=True),
                User.email.contains(needle, autoescape=True),
            )
        )
    return db.session.scalars(stmt.order_by(User.display_name, User.id).limit(limit)).all()


def open_items_by_post(actor: Actor, thread: Thread, posts: Sequence[Post]) -> dict[int, int]:
    """Open queue items per post on a thread page, for its moderators (one query, or none)."""
    if not posts or not can_moderate(actor, thread.category):
        return {}
    stmt = (
        select(ModerationItem.post_id, func.count())
        .where(
            ModerationItem.post_id.in_([p.id for p in posts]),
            ModerationItem.resolved_at.is_(None),
        )
        .group_by(ModerationItem.post_id)
    )
    return {post_id: count for post_id, count in db.session.execute(stmt).tuples()}


def merged_into(thread_id: int, actor: Actor) -> Thread | None:
    """The thread a merged thread now lives in, if the actor may see both."""
    merged = db.session.scalar(
        select(Thread).options(joinedload(Thread.category)).where(Thread.id == thread_id)
    )
    if merged is None or merged.merged_into_id is None:
        return None
    if not can_view_category(actor, merged.category):
        return None
    target = db.session.scalar(
        select(Thread)
        .options(joinedload(Thread.category))
        .where(Thread.id == merged.merged_into_id)
    )
    return target if target is not None and can_view_thread(actor, target) else None


def reported_and_withheld(actor: Actor, thread: Thread, post_id: int) -> int | None:
    """The number of ``thread``'s post ``post_id`` when ``actor`` reported it and can no
    longer see it (hidden or held pending a moderator's check): the thread page shows them a
    placeholder in its place. None otherwise, so nobody learns more than their own report."""
    if not can_view_thread(actor, thread):
        return None
    post = db.session.scalar(
        select(Post)
        .join(Flag, Flag.post_id == Post.id)
        .where(
            Post.id == post_id,
            Post.thread_id == thread.id,
            Post.deleted_at.is_(None),
            Flag.reporter_id == actor.id,
        )
        .limit(1)
    )
    if post is None:
        return None
    return None if can_view_post(actor, post) else post.post_number
