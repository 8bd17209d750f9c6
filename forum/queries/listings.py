"""Thread lists with each reader's unread state, bookmarks and tag pages.

Every list page runs a fixed number of statements whatever it shows: the member's read marker
is LEFT OUTER JOINed into the list query, and the tags of a page's threads come in one more.
The statements are built once per shape of reader and list (``policy.visibility_shape``) and
run with the reader's id, dates and page as bound parameters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Bookmark, Category, Post, Tag, Thread, ThreadRead, ThreadTag
from forum.models.thread import UNANSWERED
from forum.paging import Page, offset_or_404
from forum.policy import (
    SOLVABLE_KINDS,
    Actor,
    ActorSnapshot,
    visibility_shape,
    visible_posts_clause,
    visible_threads_clause,
)

#: Before anything else: a member who joins today has not "missed" last year's threads.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ListKind(StrEnum):
    LATEST = "latest"
    UNREAD = "unread"
    UNANSWERED = "unanswered"
    UNSOLVED = "unsolved"
    MINE = "mine"
    TAG = "tag"
    CATEGORY = "category"


@dataclass(frozen=True)
class ThreadRow:
    """A thread as a list shows it to one reader."""

    thread: Thread
    #: Posts by others after the reader's marker that they can see; 0 when they have never
    #: opened the thread (``is_new`` says so instead).
    unread_count: int
    #: Never opened, and active since the reader joined.
    is_new: bool
    tags: Sequence[Tag] = ()

    @property
    def has_unread(self) -> bool:
        return self.is_new or self.unread_count > 0

    @property
    def is_solved(self) -> bool:
        return self.thread.solution_post_id is not None


def joined_at(actor: Actor) -> datetime:
    return getattr(actor, "created_at", None) or EPOCH


def new_since(actor: Actor, now: datetime | None = None) -> datetime:
    """A thread the member never opened counts as unread when it was active after this: when
    they joined, or ``UNREAD_WINDOW_DAYS`` ago if that is later (a member back from a long
    break is not shown months of threads as unread; they stay in the latest list).

    The window also keeps the unread counts an index range: threads active in the window,
    plus the member's own read markers, never every thread of the forum.
    """
    days = current_app.config.get("UNREAD_WINDOW_DAYS", 30)
    window_start = (now or datetime.now(UTC)) - timedelta(days=days)
    return max(joined_at(actor), window_start)


def _read_join(actor: Actor) -> ColumnElement[bool]:
    return and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == actor.id)


#: ``new_since(actor)``, in statements built once per shape of reader.
NEW_SINCE = bindparam("new_since")


def _unread_posts(shape: ActorSnapshot, what: Select) -> Select:
    """``what`` over the posts of ``Thread`` after the reader's marker (``ThreadRead``) that
    are unread for them: not deleted, visible to them, and not their own (a member's own
    posts are never unread for them). An index range: ``posts (thread_id, post_number)``."""
    return (
        what.select_from(Post)
        .where(
            Post.thread_id == Thread.id,
            Post.post_number > ThreadRead.last_read_post_number,
            Post.author_id.is_distinct_from(shape.id),
            Post.deleted_at.is_(None),
            visible_posts_clause(shape),
        )
        .correlate(Thread, ThreadRead)
    )


def _behind(shape: ActorSnapshot) -> ColumnElement[bool]:
    """The reader's marker is behind its thread by a post someone else wrote."""
    return and_(
        ThreadRead.last_read_post_number < Thread.last_post_number,
        _unread_posts(shape, select(Post.id)).exists(),
    )


def _unread_count(shape: ActorSnapshot) -> ColumnElement[int]:
    """How many posts of the row's thread are unread for the reader (0 without a marker)."""
    counted = _unread_posts(shape, select(func.count())).scalar_subquery()
    behind = ThreadRead.last_read_post_number < Thread.last_post_number
    return case((behind, counted), else_=0)


def _unread_halves(shape: ActorSnapshot) -> tuple[Select, Select]:
    """The reader's unread threads, as two index-driven halves (needs ``actor_id`` and
    ``new_since(actor)`` as ``new_since``): threads active since :func:`new_since` without a
    marker (the ``last_post_at`` index), and the member's own markers that are behind their
    thread (the ``thread_reads`` primary key). Never every thread of the forum: an ``OR`` of
    the two over a join to the markers read all of them (7 ms at 5,000 threads)."""
    marker = exists().where(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == shape.id)
    never_opened = select(Thread.id, Thread.category_id).where(
        Thread.last_post_at > NEW_SINCE, ~marker
    )
    behind = (
        select(Thread.id, Thread.category_id)
        .select_from(ThreadRead)
        .join(Thread, Thread.id == ThreadRead.thread_id)
        .where(ThreadRead.user_id == shape.id, _behind(shape))
    )
    return never_opened, behind


def _kind_clause(actor: ActorSnapshot, kind: ListKind) -> ColumnElement[bool] | None:
    if kind == ListKind.UNREAD:
        never_opened, behind = _unread_halves(actor)
        return Thread.id.in_(
            union(never_opened.with_only_columns(Thread.id), behind.with_only_columns(Thread.id))
        )
    if kind == ListKind.UNANSWERED:
        # Literally, not bound: only then may the planner read ``ix_threads_unanswered``.
        return text(f"threads.{UNANSWERED}")
    if kind == ListKind.UNSOLVED:
        return and_(Thread.kind.in_(sorted(SOLVABLE_KINDS)), Thread.solution_post_id.is_(None))
    if kind == ListKind.MINE:
        # Both halves read an author index: an EXISTS per thread read every thread (280 ms
        # at 100,000 posts).
        started = select(Thread.id).where(Thread.author_id == actor.id)
        wrote = select(Post.thread_id).where(Post.author_id == actor.id, Post.deleted_at.is_(None))
        return Thread.id.in_(union(started, wrote))
    return None


def _filtered(
    stmt: Select, shape: ActorSnapshot, kind: ListKind, by_category: bool, by_tag: bool
) -> Select:
    stmt = stmt.join(Thread.category).where(visible_threads_clause(shape))
    if (clause := _kind_clause(shape, kind)) is not None:
        stmt = stmt.where(clause)
    if by_category:
        stmt = stmt.where(Thread.category_id == bindparam("category_id"))
    if by_tag:
        tag_id = bindparam("tag_id")
        tagged = exists().where(ThreadTag.thread_id == Thread.id, ThreadTag.tag_id == tag_id)
        stmt = stmt.where(tagged)
    return stmt


@lru_cache(maxsize=256)
def _list_statements(
    shape: ActorSnapshot, kind: ListKind, by_category: bool, by_tag: bool, per_page: int
) -> tuple[Select, Select]:
    """A list's count and page statements, built once per shape of reader and list."""
    # The total counts the threads alone (an index: ``ix_threads_visibility``); only the
    # page's rows are joined to the reader's markers.
    counted = _filtered(select(func.count(Thread.id)), shape, kind, by_category, by_tag)
    marked = select(Thread, _unread_count(shape), ThreadRead.thread_id.is_not(None))
    marked = marked.outerjoin(ThreadRead, _read_join(shape))
    listed = _filtered(marked, shape, kind, by_category, by_tag)
    listed = listed.options(contains_eager(Thread.category))
    listed = _order(listed, kind).offset(bindparam("offset")).limit(per_page)
    return counted.select_from(Thread), listed


def _order(stmt: Select, kind: ListKind) -> Select:
    if kind == ListKind.CATEGORY:
        stmt = stmt.order_by(Thread.is_pinned.desc())
    return stmt.order_by(Thread.last_post_at.desc(), Thread.id.desc())


def thread_list(
    actor: Actor,
    kind: ListKind,
    number: int,
    per_page: int,
    *,
    category: Category | None = None,
    tag: Tag | None = None,
) -> Page[ThreadRow]:
    """One page of a thread list, each thread with the actor's unread state and its tags."""
    shape = visibility_shape(actor)
    counted, listed = _list_statements(shape, kind, category is not None, tag is not None, per_page)
    params: dict[str, Any] = {
        "actor_id": actor.id,
        "new_since": new_since(actor),
        "category_id": category.id if category else None,
        "tag_id": tag.id if tag else None,
    }
    total = db.session.scalar(counted, params) or 0
    params["offset"] = offset_or_404(number, per_page, total)
    rows = db.session.execute(listed, params).all()
    tags = tags_by_thread([row[0].id for row in rows])
    since = joined_at(actor)
    items = [
        ThreadRow(thread, unread or 0, _is_new(thread, opened, since), tags[thread.id])
        for thread, unread, opened in rows
    ]
    return Page(items, number, per_page, total)


@dataclass(frozen=True)
class FeedRow:
    """A thread as a feed lists it: with its opening post, when that is public."""

    thread: Thread
    opening: Post | None


def feed_threads(
    actor: Actor, limit: int, *, category: Category | None = None, tag: Tag | None = None
) -> list[FeedRow]:
    """The newest threads ``actor`` can see, as the lists show them (the same visibility
    rule), less any thread that is hidden, held or deleted even for staff: a feed is read
    away from the forum, with none of the pages' warnings around it. One statement."""
    stmt = _feed_statement(visibility_shape(actor), category is not None, tag is not None, limit)
    params = {
        "actor_id": actor.id,
        "category_id": category.id if category else None,
        "tag_id": tag.id if tag else None,
    }
    return [FeedRow(thread, opening) for thread, opening in db.session.execute(stmt, params)]


@lru_cache(maxsize=256)
def _feed_statement(shape: ActorSnapshot, by_category: bool, by_tag: bool, limit: int) -> Select:
    opening = and_(
        Post.thread_id == Thread.id,
        Post.post_number == 1,
        Post.deleted_at.is_(None),
        Post.hidden_at.is_(None),
        Post.held_at.is_(None),
    )
    stmt = select(Thread, Post).select_from(Thread).outerjoin(Post, opening)
    stmt = _filtered(stmt, shape, ListKind.LATEST, by_category, by_tag)
    stmt = stmt.where(Thread.hidden_at.is_(None), Thread.deleted_at.is_(None))
    stmt = stmt.options(contains_eager(Thread.category))
    return _order(stmt, ListKind.LATEST).limit(limit)


def _is_new(thread: Thread, opened: bool, since: datetime) -> bool:
    return not opened and thread.last_post_at > since


def tags_by_thread(thread_ids: Sequence[int]) -> dict[int, list[Tag]]:
    """The tags of each of these threads, by name, in one statement."""
    found: dict[int, list[Tag]] = defaultdict(list)
    if not thread_ids:
        return found
    for thread_id, tag in db.session.execute(_TAGS_OF_THREADS, {"ids": list(thread_ids)}):
        found[thread_id].append(tag)
    return found


_TAGS_OF_THREADS = (
    select(ThreadTag.thread_id, Tag)
    .join(Tag, Tag.id == ThreadTag.tag_id)
    .where(ThreadTag.thread_id.in_(bindparam("ids", expanding=True)))
    .order_by(Tag.name)
)


def unread_by_category(actor: Actor) -> dict[int, int]:
    """How many threads with unread posts each visible category has, in one statement.

    Two index-driven halves, the same threads as :func:`unread_clause`: threads active since
    :func:`new_since` without a marker (the ``last_post_at`` index), and the member's own
    markers that are behind their thread (the ``thread_reads`` primary key).
    """
    params = {"actor_id": actor.id, "new_since": new_since(actor)}
    rows = db.session.execute(_unread_by_category_statement(visibility_shape(actor)), params)
    return {category_id: count for category_id, count in rows}


@lru_cache(maxsize=256)
def _unread_by_category_statement(shape: ActorSnapshot) -> Select:
    never_opened, behind = _unread_halves(shape)
    visible = visible_threads_clause(shape)
    unread = union_all(
        never_opened.join(Thread.category).where(visible),
        behind.join(Thread.category).where(visible),
    ).subquery()
    return select(unread.c.category_id, func.count()).group_by(unread.c.category_id)


def unread_total(actor: Actor) -> int:
    return sum(unread_by_category(actor).values())


# Bookmarks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookmarkRow:
    post: Post
    bookmarked_at: datetime


def _bookmarks(stmt: Select, actor: Actor, category: Category | None) -> Select:
    stmt = (
        stmt.select_from(Bookmark)
        .join(Post, Post.id == Bookmark.post_id)
        .join(Post.thread)
        .join(Thread.category)
        .where(
            Bookmark.user_id == actor.id,
            Post.deleted_at.is_(None),
            visible_threads_clause(actor),
            visible_posts_clause(actor),
        )
    )
    return stmt if category is None else stmt.where(Thread.category_id == category.id)


def bookmarks(
    actor: Actor, number: int, per_page: int, *, category: Category | None = None
) -> Page[BookmarkRow]:
    """The actor's bookmarked posts they can still see, newest bookmark first."""
    total = db.session.scalar(_bookmarks(select(func.count()), actor, category)) or 0
    offset = offset_or_404(number, per_page, total)
    stmt = _bookmarks(select(Post, Bookmark.created_at), actor, category)
    stmt = stmt.options(
        contains_eager(Post.thread).contains_eager(Thread.category), joinedload(Post.author)
    )
    stmt = stmt.order_by(Bookmark.created_at.desc(), Post.id.desc()).offset(offset).limit(per_page)
    items = [BookmarkRow(post, at) for post, at in db.session.execute(stmt)]
    return Page(items, number, per_page, total)


# Tags ---------------------------------------------------------------------------------------


def all_tags() -> Sequence[Tag]:
    return db.session.scalars(select(Tag).order_by(Tag.name)).all()


def tags_with_counts(actor: Actor) -> list[tuple[Tag, int]]:
    """Every tag and how many threads the actor can see carry it, in one statement."""
    visible = (
        select(ThreadTag.tag_id, func.count().label("threads"))
        .join(Thread, Thread.id == ThreadTag.thread_id)
        .join(Thread.category)
        .where(visible_threads_clause(actor))
        .group_by(ThreadTag.tag_id)
        .subquery()
    )
    stmt = (
        select(Tag, func.coalesce(visible.c.threads, 0))
        .outerjoin(visible, visible.c.tag_id == Tag.id)
        .order_by(Tag.name)
    )
    return [(tag, count) for tag, count in db.session.execute(stmt)]


def get_tag_or_none(slug: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def get_tag_or_404(tag_id: int) -> Tag:
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        raise NotFound("There is no such tag.")
    return tag
