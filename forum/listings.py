"""Thread lists with each reader's unread state, bookmarks and tag pages.

Every list page runs a fixed number of statements whatever it shows: the member's read marker
is LEFT OUTER JOINed into the list query, and the tags of a page's threads come in one more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from forum.extensions import db
from forum.models import Bookmark, Category, Post, Tag, Thread, ThreadRead, ThreadTag
from forum.policy import (
    SOLVABLE_KINDS,
    Actor,
    visible_posts_clause,
    visible_threads_clause,
)
from forum.queries import Page, _page_or_404

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
    #: The reader's marker; None when they have never opened the thread.
    last_read: int | None
    #: Never opened, and active since the reader joined.
    is_new: bool
    tags: Sequence[Tag] = ()

    @property
    def unread_count(self) -> int:
        if self.last_read is None:
            return 0
        return max(0, self.thread.last_post_number - self.last_read)

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


def unread_clause(actor: Actor) -> ColumnElement[bool]:
    """Threads with posts the actor has not read (needs the read-marker outer join)."""
    never_opened = and_(ThreadRead.thread_id.is_(None), Thread.last_post_at > new_since(actor))
    behind = ThreadRead.last_read_post_number < Thread.last_post_number
    return or_(never_opened, behind)


def _kind_clause(actor: Actor, kind: ListKind) -> ColumnElement[bool] | None:
    if kind == ListKind.UNREAD:
        return unread_clause(actor)
    if kind == ListKind.UNANSWERED:
        return Thread.reply_count == 0
    if kind == ListKind.UNSOLVED:
        return and_(Thread.kind.in_(sorted(SOLVABLE_KINDS)), Thread.solution_post_id.is_(None))
    if kind == ListKind.MINE:
        wrote = exists().where(
            Post.thread_id == Thread.id, Post.author_id == actor.id, Post.deleted_at.is_(None)
        )
        return or_(Thread.author_id == actor.id, wrote)
    return None


def _filtered(
    stmt: Select, actor: Actor, kind: ListKind, category: Category | None, tag: Tag | None
) -> Select:
    stmt = stmt.join(Thread.category).outerjoin(ThreadRead, _read_join(actor))
    stmt = stmt.where(visible_threads_clause(actor))
    if (clause := _kind_clause(actor, kind)) is not None:
        stmt = stmt.where(clause)
    if category is not None:
        stmt = stmt.where(Thread.category_id == category.id)
    if tag is not None:
        tagged = exists().where(ThreadTag.thread_id == Thread.id, ThreadTag.tag_id == tag.id)
        stmt = stmt.where(tagged)
    return stmt


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
    counted = _filtered(select(func.count(Thread.id)), actor, kind, category, tag)
    total = db.session.scalar(counted.select_from(Thread)) or 0
    offset = _page_or_404(number, per_page, total)
    stmt = _filtered(
        select(Thread, ThreadRead.last_read_post_number, ThreadRead.thread_id.is_not(None)),
        actor,
        kind,
        category,
        tag,
    ).options(contains_eager(Thread.category))
    rows = db.session.execute(_order(stmt, kind).offset(offset).limit(per_page)).all()
    tags = tags_by_thread([row[0].id for row in rows])
    since = joined_at(actor)
    items = [
        ThreadRow(thread, last if opened else None, _is_new(thread, opened, since), tags[thread.id])
        for thread, last, opened in rows
    ]
    return Page(items, number, per_page, total)


def _is_new(thread: Thread, opened: bool, since: datetime) -> bool:
    return not opened and thread.last_post_at > since


def tags_by_thread(thread_ids: Sequence[int]) -> dict[int, list[Tag]]:
    """The tags of each of these threads, by name, in one statement."""
    found: dict[int, list[Tag]] = defaultdict(list)
    if not thread_ids:
        return found
    stmt = (
        select(ThreadTag.thread_id, Tag)
        .join(Tag, Tag.id == ThreadTag.tag_id)
        .where(ThreadTag.thread_id.in_(thread_ids))
        .order_by(Tag.name)
    )
    for thread_id, tag in db.session.execute(stmt):
        found[thread_id].append(tag)
    return found


def unread_by_category(actor: Actor) -> dict[int, int]:
    """How many threads with unread posts each visible category has, in one statement.

    Two index-driven halves, the same threads as :func:`unread_clause`: threads active since
    :func:`new_since` without a marker (the ``last_post_at`` index), and the member's own
    markers that are behind their thread (the ``thread_reads`` primary key).
    """
    marker = exists().where(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == actor.id)
    never_opened = (
        select(Thread.category_id)
        .join(Thread.category)
        .where(visible_threads_clause(actor), Thread.last_post_at > new_since(actor), ~marker)
    )
    behind = (
        select(Thread.category_id)
        .select_from(ThreadRead)
        .join(Thread, Thread.id == ThreadRead.thread_id)
        .join(Thread.category)
        .where(
            ThreadRead.user_id == actor.id,
            ThreadRead.last_read_post_number < Thread.last_post_number,
            visible_threads_clause(actor),
        )
    )
    unread = union_all(never_opened, behind).subquery()
    stmt = select(unread.c.category_id, func.count()).group_by(unread.c.category_id)
    return {category_id: count for category_id, count in db.session.execute(stmt)}


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
    offset = _page_or_404(number, per_page, total)
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
