"""What the thread page shows besides the posts: the solution, tags, the reader's own marks,
their read marker and draft; and the revision history of a post.

Each function is one statement, so the thread page stays a fixed number of queries. Those
the page runs on every view are built once, with bound parameters: a statement object keeps
its cache key, so a view skips building the expression and its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum.extensions import db
from forum.models import (
    Bookmark,
    Draft,
    HelpfulMark,
    Post,
    PostRevision,
    Tag,
    Thread,
    ThreadRead,
    ThreadTag,
    User,
)
from forum.policy import Actor, visible_posts_clause


@dataclass(frozen=True)
class ReaderState:
    """One member's marks on a page of a thread, and how far they had read it."""

    helpful: frozenset[int] = field(default_factory=frozenset)
    bookmarked: frozenset[int] = field(default_factory=frozenset)
    #: The marker before this visit; None when the thread was never opened.
    last_read: int | None = None
    #: The reader: their own posts are never unread for them.
    reader_id: int | None = None

    def is_unread(self, post: Post) -> bool:
        return (
            self.last_read is not None
            and post.post_number > self.last_read
            and post.author_id != self.reader_id
        )


_USER, _IDS = bindparam("user_id"), bindparam("post_ids", expanding=True)
_READER_MARKS = union_all(
    select(literal("helpful"), HelpfulMark.post_id).where(
        HelpfulMark.user_id == _USER, HelpfulMark.post_id.in_(_IDS)
    ),
    select(literal("bookmark"), Bookmark.post_id).where(
        Bookmark.user_id == _USER, Bookmark.post_id.in_(_IDS)
    ),
    select(literal("read"), ThreadRead.last_read_post_number).where(
        ThreadRead.user_id == _USER, ThreadRead.thread_id == bindparam("thread_id")
    ),
)


def reader_state(actor: Actor, thread: Thread, post_ids: Sequence[int]) -> ReaderState:
    """The actor's helpful marks and bookmarks among ``post_ids`` and their read marker."""
    if actor.id is None:
        return ReaderState()
    params = {"user_id": actor.id, "post_ids": list(post_ids) or [0], "thread_id": thread.id}
    found: dict[str, set[int]] = {"helpful": set(), "bookmark": set(), "read": set()}
    for kind, value in db.session.execute(_READER_MARKS, params):
        found[kind].add(value)
    last_read = max(found["read"]) if found["read"] else None
    return ReaderState(
        frozenset(found["helpful"]), frozenset(found["bookmark"]), last_read, actor.id
    )


def solution_post(thread: Thread, actor: Actor) -> Post | None:
    """The accepted answer with its author, if the actor may see it."""
    if thread.solution_post_id is None:
        return None
    stmt = (
        select(Post)
        .options(joinedload(Post.author))
        .join(Post.thread)
        .where(
            Post.id == thread.solution_post_id,
            Post.thread_id == thread.id,
            Post.deleted_at.is_(None),
            visible_posts_clause(actor),
        )
    )
    post = db.session.scalar(stmt)
    if post is not None:  # as loaded, not as a change: the commit has nothing to flush
        set_committed_value(post, "thread", thread)
    return post


_THREAD_TAGS = (
    select(Tag)
    .join(ThreadTag, ThreadTag.tag_id == Tag.id)
    .where(ThreadTag.thread_id == bindparam("thread_id"))
    .order_by(Tag.name)
)
_DRAFT = select(Draft).where(Draft.user_id == _USER, Draft.key == bindparam("key"))


def thread_tags(thread: Thread) -> Sequence[Tag]:
    return db.session.scalars(_THREAD_TAGS, {"thread_id": thread.id}).all()


def draft(actor: Actor, key: str) -> Draft | None:
    if actor.id is None:
        return None
    return db.session.scalar(_DRAFT, {"user_id": actor.id, "key": key})


def first_unread_post_number(actor: Actor, thread: Thread) -> int:
    """The first post by someone else the actor has not read and can see (the last post if
    none): their own posts are never unread for them."""
    last_read = (
        select(ThreadRead.last_read_post_number)
        .where(ThreadRead.user_id == actor.id, ThreadRead.thread_id == thread.id)
        .scalar_subquery()
    )
    stmt = (
        select(Post.post_number)
        .join(Post.thread)
        .where(
            Post.thread_id == thread.id,
            Post.post_number > db.func.coalesce(last_read, 0),
            Post.author_id.is_distinct_from(actor.id),
            Post.deleted_at.is_(None),
            visible_posts_clause(actor),
        )
        .order_by(Post.post_number)
        .limit(1)
    )
    return db.session.scalar(stmt) or max(1, thread.last_post_number)


# Helpful marks ------------------------------------------------------------------------------


def helpful_markers(post: Post) -> Sequence[tuple[User, object]]:
    """Who marked ``post`` helpful, and when, earliest first."""
    stmt = (
        select(User, HelpfulMark.created_at)
        .join(HelpfulMark, HelpfulMark.user_id == User.id)
        .where(HelpfulMark.post_id == post.id)
        .order_by(HelpfulMark.created_at, User.id)
    )
    return [(user, at) for user, at in db.session.execute(stmt)]


# Revisions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One state of a post's text: version 1 is as first posted, the last is the current."""

    number: int
    body_source: str
    by_name: str
    at: object
    reason: str = ""


def versions(post: Post) -> list[Version]:
    """Every version of ``post``'s text, oldest first (one statement)."""
    revisions = db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.revision_number)
    ).all()
    # A revision keeps the text an edit replaced, and who made that edit, when and why.
    made_by = [(post.author_name, post.created_at, "")]
    made_by += [(r.editor_name, r.created_at, r.reason) for r in revisions]
    texts = [r.body_source for r in revisions] + [post.body_source]
    return [
        Version(n, text, name, at, reason)
        for n, (text, (name, at, reason)) in enumerate(zip(texts, made_by, strict=True), start=1)
    ]


# The thread page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadPageExtras:
    reader: ReaderState
    solution: Post | None
    tags: Sequence[Tag]
    reply_draft: Draft | None


def thread_page_extras(
    actor: Actor, thread: Thread, posts: Sequence[Post], *, with_draft: bool
) -> ThreadPageExtras:
    """Everything the thread page adds to its posts, in at most four statements."""
    return ThreadPageExtras(
        reader=reader_state(actor, thread, [post.id for post in posts]),
        solution=solution_post(thread, actor),
        tags=thread_tags(thread),
        reply_draft=draft(actor, Draft.reply_key(thread.id)) if with_draft else None,
    )
