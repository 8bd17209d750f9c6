"""Daily and weekly digests of the categories a member watches: new threads, new solutions
and the most helpful replies, at the member's chosen time (UK time).

A digest is idempotent: its period is part of the outbox's dedupe key
(``digest:<member>:<period>``), so a restart or a second worker never sends it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.links import external_url
from forum.models import (
    Category,
    CategorySubscription,
    DigestFrequency,
    HelpfulMark,
    Notification,
    NotificationKind,
    NotificationSettings,
    OutboxMessage,
    Post,
    Thread,
    User,
    WatchLevel,
    utcnow,
)
from forum.policy import can_view_category, is_member, visible_threads_clause
from forum.queries import site as site_reads
from forum.services.inbound import addresses as reply_addresses
from forum.services.mail import queue_email
from forum.services.notifications import schedule as email_schedule
from forum.services.notifications import unsubscribe
from forum.services.notifications.email import footer_links, link_posts
from forum.services.notifications.schedule import DigestPeriod
from forum.text import plaintext

MAX_THREADS = 15
MAX_SOLUTIONS = 10
MAX_HELPFUL = 5
EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class DigestEntry:
    title: str
    link: str
    #: Empty in sensitive categories: the email says only "sign in to read".
    excerpt: str
    category: str
    post_id: int
    author: str = ""
    helpful_count: int = 0
    #: ``reply+TOKEN@...`` for this member and the entry's thread ("" when it is off).
    reply_address: str = ""


@dataclass
class DigestContent:
    threads: list[DigestEntry] = field(default_factory=list)
    solutions: list[DigestEntry] = field(default_factory=list)
    helpful: list[DigestEntry] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.threads or self.solutions or self.helpful)

    def post_ids(self) -> list[int]:
        return [e.post_id for e in (*self.threads, *self.solutions, *self.helpful)]


def digest_members() -> list[int]:
    stmt = select(NotificationSettings.user_id).where(
        NotificationSettings.digest != DigestFrequency.OFF
    )
    return sorted(db.session.scalars(stmt))


def due_period(settings: NotificationSettings, now: datetime) -> DigestPeriod | None:
    """The digest due for the member now that has not been composed yet, if any."""
    period = email_schedule.latest_digest(settings, now)
    if period is None or period.end < settings.digest_since:
        return None
    return None if settings.last_digest_period == period.key else period


def send_digest(user_id: int, now: datetime | None = None) -> OutboxMessage | None:
    """Compose and queue the member's digest if one is due; returns it (None: nothing due,
    nothing new, or sent already)."""
    now = now or utcnow()
    settings = db.session.get(NotificationSettings, user_id)
    period = due_period(settings, now) if settings is not None else None
    user = db.session.get(User, user_id)
    if period is None or user is None or settings is None:
        return None
    settings.last_digest_period = period.key
    if not is_member(user):
        return None
    categories = watched_categories(user)
    content = digest_content(user, categories, period)
    if content.is_empty:
        db.session.flush()
        return None
    return _queue(user, settings, period, content, categories)


def _queue(
    user: User,
    settings: NotificationSettings,
    period: DigestPeriod,
    content: DigestContent,
    categories: list[Category],
) -> OutboxMessage | None:
    kind = "weekly" if settings.digest == DigestFrequency.WEEKLY else "daily"
    try:
        with db.session.begin_nested():
            message = queue_email(
                user.email,
                _subject(kind, content),
                "digest",
                headers=unsubscribe.email_headers(user.id),
                dedupe_key=f"digest:{user.id}:{period.key}",
                user=user,
                kind=kind,
                content=content,
                **footer_links(user.id, set(categories)),
            )
    except IntegrityError:  # another worker queued this digest a moment ago
        return None
    if message is not None:
        link_posts(message, content.post_ids())
    return message


def _subject(kind: str, content: DigestContent) -> str:
    parts = [
        _count(len(content.threads), "new thread"),
        _count(len(content.solutions), "new solution"),
        _count(len(content.helpful), "helpful reply", "helpful replies"),
    ]
    summary = ", ".join(p for p in parts if p)
    return f"Your {kind} digest from {site_reads.site_name()}: {summary}"


def _count(n: int, one: str, many: str | None = None) -> str:
    if not n:
        return ""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


# What goes in ---------------------------------------------------------------------------


def watched_categories(user: User) -> list[Category]:
    """Categories the member watches (any watching level), still visible and still emailed."""
    stmt = (
        select(Category)
        .join(CategorySubscription, CategorySubscription.category_id == Category.id)
        .where(
            CategorySubscription.user_id == user.id,
            CategorySubscription.email.is_(True),
            CategorySubscription.level.in_([WatchLevel.WATCHING, WatchLevel.WATCHING_FIRST_POST]),
        )
        .order_by(Category.position, Category.name)
    )
    return [c for c in db.session.scalars(stmt) if can_view_category(user, c)]


def _public(actor: User, category_ids: list[int]) -> ColumnElement[bool]:
    """Threads and posts everyone in the category can read (never hidden, held, deleted)."""
    return and_(
        Thread.category_id.in_(category_ids),
        visible_threads_clause(actor),
        Thread.hidden_at.is_(None),
        Post.deleted_at.is_(None),
        Post.hidden_at.is_(None),
        Post.held_at.is_(None),
    )


def digest_content(user: User, categories: list[Category], period: DigestPeriod) -> DigestContent:
    if not categories:
        return DigestContent()
    ids = [c.id for c in categories]
    return DigestContent(
        threads=_new_threads(user, ids, period),
        solutions=_new_solutions(user, ids, period),
        helpful=_most_helpful(user, ids, period),
    )


def _rows(stmt: Select[Any]) -> Sequence[Row[Any]]:
    return db.session.execute(stmt).all()


def _entry(
    user: User, post: Post, thread: Thread, category: Category, **extra: object
) -> DigestEntry:
    sensitive = category.is_sensitive
    return DigestEntry(
        title="" if sensitive else thread.title,
        link=external_url("posts.show", post_id=post.id),
        excerpt="" if sensitive else plaintext.excerpt(post.body_html, EXCERPT_LENGTH),
        category=category.name,
        post_id=post.id,
        author="" if sensitive else post.author_name,
        reply_address="" if sensitive else reply_addresses.reply_address(user.id, thread.id) or "",
        **extra,  # type: ignore[arg-type]
    )


def _base(user: User, ids: list[int]) -> Select[tuple[Post, Thread, Category]]:
    return (
        select(Post, Thread, Category)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(_public(user, ids))
    )


def _new_threads(user: User, ids: list[int], period: DigestPeriod) -> list[DigestEntry]:
    stmt = (
        _base(user, ids)
        .where(Post.post_number == 1, Thread.created_at >= period.start)
        .where(Thread.created_at < period.end)
        .order_by(Thread.created_at)
        .limit(MAX_THREADS)
    )
    return [_entry(user, *row) for row in _rows(stmt)]


def _new_solutions(user: User, ids: list[int], period: DigestPeriod) -> list[DigestEntry]:
    accepted = select(Notification.post_id).where(
        Notification.kind == NotificationKind.SOLUTION,
        Notification.created_at >= period.start,
        Notification.created_at < period.end,
    )
    stmt = (
        _base(user, ids)
        .where(Thread.solution_post_id == Post.id, Post.id.in_(accepted))
        .order_by(Thread.last_post_at.desc())
        .limit(MAX_SOLUTIONS)
    )
    return [_entry(user, *row) for row in _rows(stmt)]


def _most_helpful(user: User, ids: list[int], period: DigestPeriod) -> list[DigestEntry]:
    marks = (
        select(HelpfulMark.post_id, func.count().label("marks"))
        .where(HelpfulMark.created_at >= period.start, HelpfulMark.created_at < period.end)
        .group_by(HelpfulMark.post_id)
        .subquery()
    )
    stmt = (
        _base(user, ids)
        .add_columns(marks.c.marks)
        .join(marks, marks.c.post_id == Post.id)
        .where(Post.post_number > 1)
        .order_by(marks.c.marks.desc(), Post.id)
        .limit(MAX_HELPFUL)
    )
    return [
        _entry(user, post, thread, category, helpful_count=count)
        for post, thread, category, count in _rows(stmt)
    ]
