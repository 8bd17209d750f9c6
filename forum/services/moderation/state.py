"""Post and thread visibility changes, and the counters that follow from them.

Callers have already checked the policy. Counters are recounted from the rows (under the
thread's row lock) rather than nudged, so hiding, holding, moving, merging and splitting can
never leave ``reply_count`` and friends disagreeing with ``COUNT(*)``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update

from forum.extensions import db
from forum.models import Category, Post, Thread, User, utcnow
from forum.services.notifications import inbox as notifications
from forum.services.webhooks import events as webhooks


def public_post() -> ColumnElement[bool]:
    """Posts members see and count: not deleted, hidden or awaiting approval."""
    return and_(Post.deleted_at.is_(None), Post.hidden_at.is_(None), Post.held_at.is_(None))


def public_thread() -> ColumnElement[bool]:
    return and_(Thread.deleted_at.is_(None), Thread.hidden_at.is_(None))


def lock_thread(thread_id: int) -> None:
    """Take the thread's row lock (PostgreSQL) so replies queue behind this change.

    SQLite writers already hold the database's write lock (transactions begin IMMEDIATE).
    """
    db.session.execute(select(Thread.id).where(Thread.id == thread_id).with_for_update())


def _set(model: type, row_id: int, **values: object) -> None:
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def refresh_thread(thread_id: int) -> None:
    """Recount replies and the latest visible post of a (locked) thread."""
    replies = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.thread_id == thread_id, Post.post_number > 1, public_post())
    )
    latest = db.session.execute(
        select(Post.created_at, Post.author_name)
        .where(Post.thread_id == thread_id, public_post())
        .order_by(Post.post_number.desc())
        .limit(1)
    ).first()
    values: dict[str, object] = {"reply_count": replies or 0}
    if latest is not None:
        values.update(last_post_at=latest.created_at, last_poster_name=latest.author_name)
    _set(Thread, thread_id, **values)


def refresh_category(category_id: int) -> None:
    """Recount a category's visible threads and posts and its latest activity."""
    threads = db.session.scalar(
        select(func.count())
        .select_from(Thread)
        .where(Thread.category_id == category_id, public_thread())
    )
    posts = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Thread.category_id == category_id, public_thread(), public_post())
    )
    latest = db.session.execute(
        select(Thread.id, Thread.title, Thread.last_post_at, Thread.last_poster_name)
        .where(Thread.category_id == category_id, public_thread())
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(1)
    ).first()
    _set(
        Category,
        category_id,
        thread_count=threads or 0,
        post_count=posts or 0,
        last_post_at=latest.last_post_at if latest else None,
        last_thread_id=latest.id if latest else None,
        last_thread_title=latest.title if latest else "",
        last_poster_name=latest.last_poster_name if latest else "",
    )


def refresh_member(user_id: int | None) -> None:
    """Recount a member's visible posts (new members' posts are held until this reaches N)."""
    if user_id is None:
        return
    count = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user_id, Thread.deleted_at.is_(None), public_post())
    )
    _set(User, user_id, post_count=count or 0)


def refresh_after(post: Post, *categories: int) -> None:
    """Recount everything ``post`` counts towards, and any other categories named."""
    refresh_thread(post.thread_id)
    for category_id in {post.thread.category_id, *categories}:
        refresh_category(category_id)
    refresh_member(post.author_id)
    db.session.flush()
    expire_counters(post.thread)


THREAD_COUNTERS = ["reply_count", "last_post_number", "last_post_at", "last_poster_name"]
CATEGORY_COUNTERS = ["thread_count", "post_count", "last_post_at", "last_thread_id"]


def expire_counters(thread: Thread) -> None:
    """Forget counters rewritten by SQL, keeping loaded relationships (they never lazy-load)."""
    db.session.expire(thread, THREAD_COUNTERS)
    if "category" in thread.__dict__:
        db.session.expire(thread.category, [*CATEGORY_COUNTERS, "last_thread_title"])


def sync_thread_hidden(post: Post, now: datetime) -> None:
    """A thread is hidden exactly while its opening post is hidden or held."""
    if post.post_number != 1:
        return
    withheld = post.hidden_at is not None or post.held_at is not None
    post.thread.hidden_at = (post.thread.hidden_at or now) if withheld else None


def hide(post: Post, *, reason: str, by_id: int | None) -> None:
    """Hide ``post`` from members (its author still sees it, with ``reason``)."""
    lock_thread(post.thread_id)
    now = utcnow()
    post.hidden_at = post.hidden_at or now
    post.hidden_reason, post.hidden_by_id = reason[:500], by_id
    sync_thread_hidden(post, now)
    db.session.flush()
    refresh_after(post)
    notifications.remove_notifications_for_post(post.id)


def unhide(post: Post) -> None:
    lock_thread(post.thread_id)
    post.hidden_at, post.hidden_reason, post.hidden_by_id = None, "", None
    sync_thread_hidden(post, utcnow())
    db.session.flush()
    refresh_after(post)


def hold(post: Post, *, reason: str) -> None:
    """Keep ``post`` for a moderator's approval (used after an edit adds a watched word)."""
    lock_thread(post.thread_id)
    now = utcnow()
    post.held_at, post.held_reason = post.held_at or now, reason[:300]
    sync_thread_hidden(post, now)
    db.session.flush()
    refresh_after(post)
    notifications.remove_notifications_for_post(post.id)


def release(post: Post) -> None:
    """Approve a held post: it appears, counts and bumps its thread."""
    lock_thread(post.thread_id)
    post.held_at, post.held_reason = None, ""
    sync_thread_hidden(post, utcnow())
    db.session.flush()
    refresh_after(post)
    notifications.post_published(post.thread, post)
    webhooks.post_published(post.thread, post)


def _has_public_replies(thread_id: int) -> bool:
    stmt = select(Post.id).where(Post.thread_id == thread_id, Post.post_number > 1, public_post())
    return db.session.scalar(stmt.limit(1)) is not None


def soft_delete(post: Post, *, by_id: int | None) -> None:
    """Delete ``post`` (a placeholder stays); an opening post nobody answered takes its
    thread with it, as when members delete their own."""
    lock_thread(post.thread_id)
    post.deleted_at, post.deleted_by_id = utcnow(), by_id
    if post.post_number == 1 and not _has_public_replies(post.thread_id):
        post.thread.deleted_at = post.deleted_at
    db.session.flush()
    refresh_after(post)
    notifications.remove_notifications_for_post(post.id)


def is_counted(post: Post) -> bool:
    """Does ``post`` count towards its thread's, category's and author's totals now?"""
    return post.hidden_at is None and post.held_at is None and post.thread.hidden_at is None
