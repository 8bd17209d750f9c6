"""Emailing notifications nobody read on the site in time, several to a message.

A notification becomes due ``EMAIL_DELAY_MINUTES`` after it was made. A member's due
notifications wait until none has arrived for that long (or the oldest has waited twice that),
and until the member's delivery window; then they go out together in one email. Reading one on
the site first (or marking it read) takes it out. Each run claims what it sends with one
conditional UPDATE, so two workers never email the same notification.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.links import external_url
from forum.models import (
    Category,
    EmailPostLink,
    Notification,
    NotificationKind,
    OutboxMessage,
    Thread,
    User,
    utcnow,
)
from forum.policy import can_be_notified_about, is_member
from forum.queries import site as site_reads
from forum.services.inbound import addresses as reply_addresses
from forum.services.mail import queue_email
from forum.services.notifications import schedule as email_schedule
from forum.services.notifications import subscriptions, unsubscribe
from forum.text import notifications as notification_text
from forum.text import plaintext

EXCERPT_LENGTH = 300
MAX_PER_EMAIL = 30


@dataclass(frozen=True)
class EmailItem:
    headline: str
    #: Empty for sensitive categories and notices.
    excerpt: str
    link: str
    post_id: int | None
    thread_id: int | None = None
    #: ``reply+TOKEN@...`` for this member and thread (empty when reply by email is off).
    reply_address: str = ""


def due_members(now: datetime) -> list[int]:
    """Members with at least one notification due to be emailed."""
    stmt = select(Notification.user_id).where(Notification.email_due_at <= now).distinct()
    return sorted(db.session.scalars(stmt))


def _pending(user_id: int) -> list[Notification]:
    stmt = (
        select(Notification)
        .options(
            joinedload(Notification.thread).joinedload(Thread.category),
            joinedload(Notification.post),
        )
        .where(Notification.user_id == user_id, Notification.email_due_at.is_not(None))
        .order_by(Notification.created_at, Notification.id)
    )
    return list(db.session.scalars(stmt))


def _delay() -> timedelta:
    return timedelta(minutes=int(current_app.config["EMAIL_DELAY_MINUTES"]))


def batch_ready(pending: Sequence[Notification], now: datetime) -> bool:
    """Send once the newest is due, or once the oldest has waited a whole delay more."""
    due_times = [n.email_due_at for n in pending if n.email_due_at is not None]
    if not due_times or min(due_times) > now:
        return False
    return max(due_times) <= now or min(due_times) + _delay() <= now


def email_member(user_id: int, now: datetime | None = None) -> OutboxMessage | None:
    """Queue one email of the member's due notifications, if it is time; returns it."""
    now = now or utcnow()
    pending = _pending(user_id)
    user = db.session.get(User, user_id)
    settings = subscriptions.settings_for(user_id)
    if user is None or not is_member(user) or not settings.email_enabled:
        _cancel(pending)
        return None
    if not batch_ready(pending, now) or not email_schedule.in_window(settings, now):
        return None
    due = [n for n in pending if n.email_due_at is not None and n.email_due_at <= now]
    sendable = _sendable(user, due)
    _cancel([n for n in due if n not in sendable])
    claimed = _claim(sendable[:MAX_PER_EMAIL], now)
    return _queue(user, claimed) if claimed else None


def _sendable(user: User, due: list[Notification]) -> list[Notification]:
    """Only what the member may still see, outside the categories they stopped email for."""
    stopped = subscriptions.category_email_off(user.id)
    return [n for n in due if _still_visible(user, n) and _category_id(n) not in stopped]


def _category_id(notification: Notification) -> int | None:
    return notification.thread.category_id if notification.thread is not None else None


def _still_visible(user: User, notification: Notification) -> bool:
    thread, post = notification.thread, notification.post
    if thread is None:
        return notification.post_id is None  # a notice, not about a post
    if post is None or not can_be_notified_about(user, thread):
        return False
    return post.hidden_at is None and post.held_at is None and post.deleted_at is None


def _cancel(notifications: Sequence[Notification]) -> None:
    ids = [n.id for n in notifications]
    if ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(email_due_at=None)
            .execution_options(synchronize_session=False)
        )


def _claim(notifications: Sequence[Notification], now: datetime) -> list[Notification]:
    """Take the notifications for this email, leaving any another worker took first."""
    by_id = {n.id: n for n in notifications}
    if not by_id:
        return []
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.id.in_(sorted(by_id)),
            Notification.email_due_at.is_not(None),
            Notification.read_at.is_(None),
        )
        .values(email_due_at=None, emailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return [by_id[row_id] for row_id in sorted(result.scalars())]


def _queue(user: User, claimed: list[Notification]) -> OutboxMessage | None:
    items = _reply_once_per_thread([email_item(n, user.id) for n in claimed])
    site_name = site_reads.site_name()
    subject = notification_text.subject_for([item.headline for item in items], site_name)
    message = queue_email(
        user.email,
        subject,
        "notifications",
        headers={**unsubscribe.email_headers(user.id), **_reply_to(items)},
        user=user,
        items=items,
        reply_each=len({item.reply_address for item in items if item.reply_address}) > 1,
        **footer_links(user.id, {c for n in claimed if (c := _category(n)) is not None}),
    )
    if message is None:
        return None
    link_posts(message, [item.post_id for item in items])
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n in claimed]))
        .values(outbox_message_id=message.id)
        .execution_options(synchronize_session=False)
    )
    return message


def _category(notification: Notification) -> Category | None:
    return notification.thread.category if notification.thread is not None else None


def _reply_once_per_thread(items: list[EmailItem]) -> list[EmailItem]:
    """Keep each thread's reply address on its newest item only (the list is oldest first)."""
    newest = {item.thread_id: n for n, item in enumerate(items)}
    return [
        item if newest[item.thread_id] == n else dataclasses.replace(item, reply_address="")
        for n, item in enumerate(items)
    ]


def _reply_to(items: Sequence[EmailItem]) -> dict[str, str]:
    """``Reply-To`` when the email is about one thread; about several, each item carries its
    own reply address instead (a reply must never land in the wrong thread)."""
    addresses = {item.reply_address for item in items if item.post_id is not None}
    address = addresses.pop() if len(addresses) == 1 else ""
    return {"Reply-To": address} if address else {}


def email_item(notification: Notification, user_id: int | None = None) -> EmailItem:
    thread, post = notification.thread, notification.post
    if thread is None or post is None:
        link = external_url("notifications.index")
        if notification.kind == NotificationKind.MODERATION:
            link = external_url("mod_reports.messages")
        return EmailItem(notification.summary, "", link, None)
    sensitive = thread.category.is_sensitive
    headline = notification_text.email_headline(
        notification, thread.title, thread.category.name, sensitive
    )
    excerpt = "" if sensitive else plaintext.excerpt(post.body_html, EXCERPT_LENGTH)
    link = external_url("posts.show", post_id=post.id)
    # Sensitive categories keep their words out of email, the member's own included.
    reply = (
        None if sensitive or user_id is None else reply_addresses.reply_address(user_id, thread.id)
    )
    return EmailItem(headline, excerpt, link, post.id, thread.id, reply or "")


def footer_links(user_id: int, categories: set[Category]) -> dict[str, object]:
    """Links every notification email and digest ends with."""
    return {
        "settings_link": external_url("notification_settings.edit"),
        "unsubscribe_all": unsubscribe.unsubscribe_url(user_id),
        "category_links": [
            (category.name, unsubscribe.unsubscribe_url(user_id, category.id))
            for category in sorted(categories, key=lambda c: c.name)
        ],
    }


def link_posts(message: OutboxMessage, post_ids: Sequence[int | None]) -> None:
    """Remember which posts the email quotes, so hiding one can withdraw it."""
    for post_id in sorted({pid for pid in post_ids if pid is not None}):
        db.session.add(EmailPostLink(outbox_message_id=message.id, post_id=post_id))
    db.session.flush()
