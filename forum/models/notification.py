"""Notifications, what each member watches, and how and when they want email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.category import Category
from forum.models.post import Post
from forum.models.tag import Tag
from forum.models.thread import Thread


class NotificationKind(StrEnum):
    #: Someone @mentioned the member.
    MENTION = "mention"
    #: Someone quoted the member's post.
    QUOTE = "quote"
    #: Someone replied to the member's post (the reply button on that post).
    REPLY = "reply"
    #: A new reply in a thread the member watches or tracks.
    WATCHED_REPLY = "watched_reply"
    #: A new thread in a category or tag the member watches.
    NEW_THREAD = "new_thread"
    SOLUTION = "solution"
    #: Batched: one unread notification per post, counting the marks.
    HELPFUL = "helpful"
    MODERATION = "moderation"
    JOIN_APPROVED = "join_approved"
    #: Guidance a post cites changed or was withdrawn (to its author and the category's
    #: moderators).
    GUIDANCE_CHANGED = "guidance_changed"
    #: Staff reviewed a member's accepted answer: withdrawn, superseded or verified.
    ANSWER_REVIEW = "answer_review"


class WatchLevel(StrEnum):
    WATCHING = "watching"
    #: Threads only: in-app notifications for every reply, never email.
    TRACKING = "tracking"
    #: Categories and tags only: a notification for each new thread, not its replies.
    WATCHING_FIRST_POST = "watching_first_post"
    NORMAL = "normal"
    MUTED = "muted"


class DigestFrequency(StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient", "user_id", "created_at"),
        Index("ix_notifications_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    #: Who caused it (the last of them, for batched helpful marks).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    #: How many events this one stands for ("3 people found this helpful").
    count: Mapped[int] = mapped_column(default=1)
    #: Moderation and membership notices: what happened, in a sentence.
    summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: When it may be emailed if still unread; NULL once emailed, read, or never to be emailed.
    email_due_at: Mapped[datetime | None] = mapped_column(index=True)
    emailed_at: Mapped[datetime | None]
    #: The email it went out in, while that email can still be withdrawn.
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )

    thread: Mapped[Thread | None] = relationship(lazy="raise_on_sql")
    post: Mapped[Post | None] = relationship(lazy="raise_on_sql")

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationSettings(Base):
    """A member's choices; members without a row have the defaults below."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    watch_started: Mapped[bool] = mapped_column(default=True)
    watch_replied: Mapped[bool] = mapped_column(default=True)
    #: Email notifications that stay unread (the digest has its own setting).
    email_enabled: Mapped[bool] = mapped_column(default=True)
    #: Days email may be sent, Monday = bit 0 ... Sunday = bit 6; the others are quiet days.
    email_days: Mapped[int] = mapped_column(default=0b1111111)
    #: The delivery window, in minutes after midnight UK time; start > end spans midnight.
    window_start: Mapped[int] = mapped_column(default=0)
    window_end: Mapped[int] = mapped_column(default=24 * 60)
    digest: Mapped[str] = mapped_column(String(8), default=DigestFrequency.OFF)
    #: Minutes after midnight UK time.
    digest_time: Mapped[int] = mapped_column(default=7 * 60)
    #: Weekly digests: Monday = 0.
    digest_weekday: Mapped[int] = mapped_column(default=0)
    #: Digests are due only for times after this (no digest for a period before choosing one).
    digest_since: Mapped[datetime] = mapped_column(default=utcnow)
    #: The period of the last digest composed (sent or found empty), e.g. ``daily:2026-03-02``.
    last_digest_period: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadSubscription(Base):
    __tablename__ = "thread_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")


class CategorySubscription(Base):
    __tablename__ = "category_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20), default=WatchLevel.NORMAL)
    #: False after "unsubscribe from this category": nothing about it is emailed.
    email: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship(lazy="raise_on_sql")


class TagSubscription(Base):
    __tablename__ = "tag_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    tag: Mapped[Tag] = relationship(lazy="raise_on_sql")


class EmailPostLink(Base):
    """Which posts an unsent email quotes, so hiding or redacting a post can withdraw it."""

    __tablename__ = "email_post_links"

    outbox_message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
