"""Threads and posts: start, reply, edit, delete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.sql.dml import ReturningUpdate

from forum import markup
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, Post, PostRevision, Thread, User, utcnow
from forum.policy import (
    Actor,
    can_create_thread,
    can_delete_post,
    can_edit_post,
    can_reply,
    is_staff,
    require,
)
from forum.services import audit
from forum.slugs import slugify

TITLE_MIN_LENGTH = 5


def _clean_title(title: str, max_length: int = 200) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN_LENGTH:
        raise ServiceError(
            f"Give the thread a title of at least {TITLE_MIN_LENGTH} characters.", "title"
        )
    if len(title) > max_length:
        raise ServiceError(f"Keep the title to {max_length} characters or fewer.", "title")
    return title


def _check_body(body: str) -> str:
    if not body.strip():
        raise ServiceError("Write something before posting.", "body")
    return body


def _new_post(thread: Thread, number: int, author: Actor, body: str, now: datetime) -> Post:
    return Post(
        thread_id=thread.id,
        post_number=number,
        author_id=author.id,
        author_name=author.display_name,
        body_source=body,
        body_html=markup.render(body),
        markup_version=markup.MARKUP_VERSION,
        created_at=now,
    )


def _bump(model: type, row_id: int, **values: object) -> None:
    """Atomic ``UPDATE ... SET`` on one row, bypassing the identity map."""
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _category_activity(thread: Thread, poster: str, now: datetime, *, new_thread: bool) -> None:
    _bump(
        Category,
        thread.category_id,
        post_count=Category.post_count + 1,
        thread_count=Category.thread_count + (1 if new_thread else 0),
        last_post_at=now,
        last_thread_id=thread.id,
        last_thread_title=thread.title,
        last_poster_name=poster,
    )


def create_thread(actor: Actor, category: Category, *, title: str, body: str) -> Thread:
    """Start a thread in ``category`` with ``body`` as its opening post."""
    require(can_create_thread(actor, category))
    title, body, now = _clean_title(title), _check_body(body), utcnow()
    thread = Thread(
        category_id=category.id,
        author_id=actor.id,
        author_name=actor.display_name,
        title=title,
        slug=slugify(title),
        last_post_number=1,
        created_at=now,
        last_post_at=now,
        last_poster_name=actor.display_name,
    )
    thread.category = category
    db.session.add(thread)
    db.session.flush()
    db.session.add(_new_post(thread, 1, actor, body, now))
    _category_activity(thread, actor.display_name, now, new_thread=True)
    _bump(User, actor.id, post_count=User.post_count + 1)
    db.session.flush()
    return thread


def _claim_post_number(thread: Thread, poster: str, now: datetime) -> int:
    """Take the next post number and count the reply in one atomic statement.

    On PostgreSQL the UPDATE locks the thread row, so concurrent replies queue here; on
    SQLite the write transaction began IMMEDIATE, which serialises writers the same way.
    """
    stmt: ReturningUpdate = (
        update(Thread)
        .where(Thread.id == thread.id)
        .values(
            last_post_number=Thread.last_post_number + 1,
            reply_count=Thread.reply_count + 1,
            last_post_at=now,
            last_poster_name=poster,
        )
        .returning(Thread.last_post_number)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one()


def reply_to_thread(actor: Actor, thread: Thread, *, body: str) -> Post:
    """Add a reply at the end of ``thread``."""
    require(can_reply(actor, thread))
    body, now = _check_body(body), utcnow()
    number = _claim_post_number(thread, actor.display_name, now)
    post = _new_post(thread, number, actor, body, now)
    db.session.add(post)
    _category_activity(thread, actor.display_name, now, new_thread=False)
    _bump(User, actor.id, post_count=User.post_count + 1)
    db.session.flush()
    db.session.expire(thread)
    return post


def edit_post(
    actor: Actor, post: Post, *, body: str, title: str | None = None, reason: str = ""
) -> Post:
    """Change a post's text, keeping what it said before as a revision."""
    require(can_edit_post(actor, post))
    body = _check_body(body)
    if title is not None and post.post_number == 1:
        post.thread.title = _clean_title(title)
        post.thread.slug = slugify(post.thread.title)
    if body == post.body_source:
        return post
    db.session.add(
        PostRevision(
            post_id=post.id,
            revision_number=post.edit_count + 1,
            body_source=post.body_source,
            editor_id=actor.id,
            editor_name=actor.display_name,
            reason=reason[:300],
        )
    )
    post.body_source, post.body_html = body, markup.render(body)
    post.markup_version, post.edit_count, post.edited_at = (
        markup.MARKUP_VERSION,
        post.edit_count + 1,
        utcnow(),
    )
    if is_staff(actor) and actor.id != post.author_id:
        audit.record(actor, "post.staff_edit", target=post, reason=reason)
    db.session.flush()
    return post


def delete_post(actor: Actor, post: Post) -> None:
    """Soft-delete a post: the thread shows a placeholder in its place."""
    require(can_delete_post(actor, post))
    post.deleted_at, post.deleted_by_id = utcnow(), actor.id
    if post.post_number > 1:
        _bump(Thread, post.thread_id, reply_count=Thread.reply_count - 1)
    elif post.thread.reply_count == 0:
        post.thread.deleted_at = post.deleted_at
        _bump(Category, post.thread.category_id, thread_count=Category.thread_count - 1)
    _bump(Category, post.thread.category_id, post_count=Category.post_count - 1)
    if post.author_id is not None:
        _bump(User, post.author_id, post_count=User.post_count - 1)
    if is_staff(actor) and actor.id != post.author_id:
        audit.record(actor, "post.delete", target=post)
    db.session.flush()
    db.session.expire(post.thread)


def rerender_outdated_posts(batch_size: int = 500) -> int:
    """Re-render posts whose markup version is older than the current one."""
    done = 0
    while True:
        posts = db.session.scalars(
            select(Post).where(Post.markup_version < markup.MARKUP_VERSION).limit(batch_size)
        ).all()
        if not posts:
            return done
        for post in posts:
            post.body_html, post.markup_version = (
                markup.render(post.body_source),
                markup.MARKUP_VERSION,
            )
        db.session.flush()
        done += len(posts)
