"""Read side of notifications and watching: the notifications page and the settings pages.

Every page here runs a fixed number of statements whatever it lists: relationships are eager
loaded, and the visibility rules are part of the SQL, so a notification about something the
member may no longer see is never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import (
    Category,
    CategorySubscription,
    Notification,
    NotificationKind,
    Post,
    Tag,
    TagSubscription,
    Thread,
    ThreadSubscription,
    WatchLevel,
)
from forum.paging import Page
from forum.policy import (
    Actor,
    ActorSnapshot,
    is_member,
    visibility_shape,
    visible_categories_clause,
    visible_posts_clause,
    visible_threads_clause,
)
from forum.text import notifications as notification_text
from forum.text import plaintext
from forum.text.notifications import THREAD_LEVEL_CHOICES, TOPIC_LEVEL_CHOICES

#: Kinds about posts in a thread: a thread's notifications of these kinds make one entry
#: ("Asha Patel and 2 others replied in ..."). The others (helpful marks, solutions, notices)
#: stay one entry each.
GROUPED_KINDS = (
    NotificationKind.MENTION,
    NotificationKind.QUOTE,
    NotificationKind.REPLY,
    NotificationKind.WATCHED_REPLY,
    NotificationKind.NEW_THREAD,
)
#: The preview of an entry's latest post, in characters of plain text.
PREVIEW_LENGTH = 140


@dataclass(frozen=True)
class NotificationRow:
    """One entry of the notifications page: a notification, or a thread's group of them
    (``notification`` is then the latest)."""

    notification: Notification
    headline: str
    #: Where the notification leads: the exact post, or the page about the notice.
    endpoint: str
    values: dict[str, int]
    #: How many notifications the entry stands for, and how many of them are unread.
    count: int = 1
    unread: int = 0
    #: The latest post's text, one plain line; empty for notices and sensitive categories.
    preview: str = ""

    @property
    def is_unread(self) -> bool:
        return self.unread > 0


def _visible(actor: Actor) -> ColumnElement[bool]:
    """Notices (no thread) always; posts only while the member may see them."""
    about_post = and_(
        Post.deleted_at.is_(None),
        visible_threads_clause(actor),
        visible_posts_clause(actor),
    )
    return or_(Notification.thread_id.is_(None), about_post)


def _mine(actor: Actor, *columns: Any) -> Select:
    return (
        select(*(columns or (Notification,)))
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Category, Category.id == Thread.category_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.user_id == actor.id, _visible(actor))
    )


#: The entry a notification belongs to: its thread for the grouped kinds, else itself.
_ENTRY = case(
    (
        and_(Notification.thread_id.is_not(None), Notification.kind.in_(GROUPED_KINDS)),
        Notification.thread_id,
    ),
    else_=-Notification.id,
)


def notifications_page(actor: Actor, number: int, per_page: int) -> Page[NotificationRow]:
    """The member's notifications, one entry per thread, newest first: two statements for
    any number of them."""
    counted, listed = _page_statements(visibility_shape(actor), per_page)
    params = {"actor_id": actor.id, "offset": (number - 1) * per_page}
    total = db.session.scalar(counted, params) or 0
    if number > max(1, -(-total // per_page)):
        raise NotFound("There is no such page.")
    rows = [_entry(*row) for row in db.session.execute(listed, params)]
    return Page(items=rows, number=number, per_page=per_page, total=total)


@lru_cache(maxsize=256)
def _page_statements(shape: ActorSnapshot, per_page: int) -> tuple[Select, Select]:
    """The count and page statements, built once per shape of reader (``actor_id`` and
    ``offset`` bound at each run). The page groups the visible notifications by entry and
    joins each group's latest notification, with its thread, category and post."""
    counted = _mine(shape, func.count(func.distinct(_ENTRY)))
    unread = case((Notification.read_at.is_(None), 1), else_=0)
    groups = (
        _mine(
            shape,
            func.max(Notification.id).label("latest_id"),
            func.count().label("total"),
            func.sum(unread).label("unread"),
            func.count(func.distinct(Notification.actor_name)).label("people"),
            func.count(func.distinct(Notification.kind)).label("kinds"),
            # Where to start reading: the earliest unread post of the group.
            func.min(case((Notification.read_at.is_(None), Notification.post_id))).label(
                "first_unread_post"
            ),
        )
        .group_by(_ENTRY)
        .subquery()
    )
    listed = (
        select(
            Notification,
            groups.c.total,
            groups.c.unread,
            groups.c.people,
            groups.c.kinds,
            groups.c.first_unread_post,
            Category.is_sensitive,
        )
        .join(groups, groups.c.latest_id == Notification.id)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Category, Category.id == Thread.category_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .options(
            contains_eager(Notification.thread).contains_eager(Thread.category),
            contains_eager(Notification.post),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(bindparam("offset"))
        .limit(per_page)
    )
    return counted, listed


def _entry(
    notification: Notification,
    total: int,
    unread: int | None,
    people: int,
    kinds: int,
    first_unread_post: int | None,
    sensitive: bool | None,
) -> NotificationRow:
    row = describe(notification)
    title = notification.thread.title if notification.thread is not None else ""
    if total > 1:
        headline = notification_text.group_headline(notification, title, people, kinds == 1)
    else:
        headline = row.headline
    values = row.values
    if first_unread_post is not None and total > 1:
        values = {"post_id": first_unread_post}
    return replace(
        row,
        headline=headline,
        values=values,
        count=total,
        unread=unread or 0,
        preview="" if sensitive else _preview(notification),
    )


def _preview(notification: Notification) -> str:
    """One line of the post's text. Never called for sensitive categories: as their emails
    (``services/notifications/email.py``), the page then says only where something happened."""
    post = notification.post
    if post is None:
        return ""
    return " ".join(plaintext.excerpt(post.body_html, PREVIEW_LENGTH).split())


def describe(notification: Notification) -> NotificationRow:
    thread = notification.thread
    title = thread.title if thread is not None else ""
    headline = notification_text.headline(notification, title)
    unread = 1 if notification.is_unread else 0
    if notification.post_id is not None:
        return NotificationRow(
            notification, headline, "posts.show", {"post_id": notification.post_id}, 1, unread
        )
    if notification.kind == NotificationKind.MODERATION:
        return NotificationRow(notification, headline, "mod_reports.messages", {}, 1, unread)
    return NotificationRow(notification, headline, "notification_settings.edit", {}, 1, unread)


def own_notification_or_404(actor: Actor, notification_id: int) -> Notification:
    found = db.session.get(Notification, notification_id)
    if found is None or found.user_id != actor.id:
        raise NotFound("That notification does not exist.")
    return found


# Watching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicChoice:
    """A category or tag with the member's level for it."""

    id: int
    name: str
    level: str
    email: bool = True
    sensitive: bool = False


def category_choices(actor: Actor) -> list[TopicChoice]:
    """Every category the member can see, with their level (one statement)."""
    stmt = (
        select(Category, CategorySubscription)
        .outerjoin(
            CategorySubscription,
            and_(
                CategorySubscription.category_id == Category.id,
                CategorySubscription.user_id == actor.id,
            ),
        )
        .where(visible_categories_clause(actor))
        .order_by(Category.position, Category.name)
    )
    return [
        TopicChoice(
            c.id,
            c.name,
            s.level if s else WatchLevel.NORMAL,
            s.email if s else True,
            c.is_sensitive,
        )
        for c, s in db.session.execute(stmt)
    ]


def tag_choices(actor: Actor) -> list[TopicChoice]:
    stmt = (
        select(Tag, TagSubscription.level)
        .outerjoin(
            TagSubscription,
            and_(TagSubscription.tag_id == Tag.id, TagSubscription.user_id == actor.id),
        )
        .order_by(Tag.name)
    )
    return [
        TopicChoice(t.id, t.name, level or WatchLevel.NORMAL)
        for t, level in db.session.execute(stmt)
    ]


def thread_choices(actor: Actor, limit: int = 200) -> Sequence[ThreadSubscription]:
    """Threads the member chose a level for, that they can still see, latest activity first."""
    stmt = (
        select(ThreadSubscription)
        .join(Thread, Thread.id == ThreadSubscription.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .options(contains_eager(ThreadSubscription.thread).contains_eager(Thread.category))
        .where(ThreadSubscription.user_id == actor.id, visible_threads_clause(actor))
        .order_by(Thread.last_post_at.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


_CATEGORY_LEVEL = select(CategorySubscription.level).where(
    CategorySubscription.user_id == bindparam("user_id"),
    CategorySubscription.category_id == bindparam("category_id"),
)


def category_level(actor: Actor, category: Category) -> str:
    params = {"user_id": actor.id, "category_id": category.id}
    return db.session.scalar(_CATEGORY_LEVEL, params) or WatchLevel.NORMAL


#: Built once (the thread page runs it on every view): the thread's own level and the one
#: its category gives.
_THREAD_LEVELS = select(
    select(ThreadSubscription.level)
    .where(
        ThreadSubscription.user_id == bindparam("user_id"),
        ThreadSubscription.thread_id == bindparam("thread_id"),
    )
    .scalar_subquery(),
    _CATEGORY_LEVEL.scalar_subquery(),
)


def thread_level(actor: Actor, thread: Thread) -> tuple[str, bool]:
    """The member's level for ``thread``, and whether they chose it for this thread."""
    params = {"user_id": actor.id, "thread_id": thread.id, "category_id": thread.category_id}
    chosen, category = db.session.execute(_THREAD_LEVELS, params).one()
    if chosen is not None:
        return chosen, True
    return (WatchLevel.WATCHING if category == WatchLevel.WATCHING else WatchLevel.NORMAL), False


@dataclass(frozen=True)
class WatchOption:
    value: str
    #: "Watching", "Normal"...
    name: str
    #: What the level brings, in a phrase; empty when the name says it all.
    description: str


@dataclass(frozen=True)
class WatchControl:
    """The watch menu of a thread or a category: its current level and the levels to pick."""

    level: str
    chosen: bool
    choices: list[tuple[str, str]]

    @property
    def options(self) -> list[WatchOption]:
        """Each level as a name and a description ("Watching", "every new thread...")."""
        split = (label.partition(": ") for _, label in self.choices)
        return [
            WatchOption(value, name, description)
            for (value, _), (name, _, description) in zip(self.choices, split, strict=True)
        ]

    @property
    def current(self) -> WatchOption:
        found = [option for option in self.options if option.value == self.level]
        return found[0] if found else self.options[0]


def thread_watch(actor: Actor, thread: Thread) -> WatchControl | None:
    if not is_member(actor):
        return None
    level, chosen = thread_level(actor, thread)
    return WatchControl(level, chosen, THREAD_LEVEL_CHOICES)


def category_watch(actor: Actor, category: Category) -> WatchControl | None:
    if not is_member(actor):
        return None
    return WatchControl(category_level(actor, category), True, TOPIC_LEVEL_CHOICES)
