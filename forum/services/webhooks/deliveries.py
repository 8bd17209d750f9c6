"""A delivery's life: due, claimed by one worker, delivered, or retried with backoff until
it fails; an endpoint failing for a day is disabled and the admins are emailed.

The worker (``forum/jobs/webhooks.py``) calls these, each in a short transaction of its own,
around the HTTP request it sends outside any transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from forum.extensions import db
from forum.links import external_url
from forum.models import (
    Category,
    DeliveryStatus,
    Post,
    Role,
    Thread,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from forum.services.mail import queue_email
from forum.services.moderation.state import public_post, public_thread
from forum.services.webhooks import events

#: Waits after each failed attempt: six attempts in all over a little more than a day.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=15),
    timedelta(hours=2),
    timedelta(hours=8),
    timedelta(hours=14),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: An endpoint whose deliveries have failed for this long (no success since) is disabled.
DISABLE_AFTER = timedelta(hours=24)
#: A delivery claimed longer ago than this was interrupted (the worker died): sent again,
#: which receivers tell apart by its webhook-id.
STALE_CLAIM = timedelta(minutes=15)
BATCH_SIZE = 50
HIDDEN = "Not sent: the post was hidden, held or deleted before it could be sent."
MOVED = "Not sent: the thread moved to a category this webhook may not see (or a sensitive one)."


@dataclass(frozen=True)
class Claimed:
    """What the sender needs, read while the delivery is claimed."""

    delivery_id: int
    endpoint_id: int
    url: str
    secret: str
    message_id: str
    payload: dict[str, Any]


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` failed attempts; None: give up."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts <= len(RETRY_DELAYS) else None


def due_ids(now: datetime) -> list[int]:
    """Deliveries due now, for active endpoints, oldest first; stale claims first freed."""
    table = WebhookDelivery.__table__
    db.session.execute(
        update(table)
        .where(table.c.status == DeliveryStatus.SENDING, table.c.claimed_at < now - STALE_CLAIM)
        .values(status=DeliveryStatus.PENDING, next_attempt_at=now)
    )
    stmt = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.is_active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(BATCH_SIZE)
    )
    return list(db.session.scalars(stmt))


def claim(delivery_id: int, now: datetime) -> Claimed | None:
    """Take the delivery for this worker, or None if another took it first."""
    table = WebhookDelivery.__table__
    claimed = db.session.execute(
        update(table)
        .where(
            table.c.id == delivery_id,
            table.c.status == DeliveryStatus.PENDING,
            table.c.next_attempt_at <= now,
        )
        .values(status=DeliveryStatus.SENDING, claimed_at=now, attempts=table.c.attempts + 1)
        .returning(table.c.endpoint_id, table.c.message_id, table.c.payload)
    ).first()
    if claimed is None:
        return None
    endpoint = db.session.get_one(WebhookEndpoint, claimed.endpoint_id)
    reason = _withdrawn(claimed.payload, endpoint)
    if reason:
        _record_withdrawn(delivery_id, reason, now)
        return None
    return Claimed(delivery_id, endpoint.id, endpoint.url, endpoint.secret,
                   claimed.message_id, claimed.payload)  # fmt: skip


def _withdrawn(payload: dict[str, Any], endpoint: WebhookEndpoint) -> str:
    """Why the message may no longer be sent ("" if it may): the post was hidden, held or
    deleted since (what moderators took down, a patient's details say, is not passed on), or
    its thread moved to a category this endpoint may not see, or one now sensitive."""
    post_id = (payload.get("data") or {}).get("post", {}).get("id")
    if post_id is None:
        return ""
    stmt = (
        select(Category)
        .join(Thread, Thread.category_id == Category.id)
        .join(Post, Post.thread_id == Thread.id)
        .where(Post.id == post_id, public_post(), public_thread())
    )
    category = db.session.scalar(stmt)
    if category is None:
        return HIDDEN
    sent_as_sensitive = payload["data"].get("text_withheld", False)
    if not events.may_see(endpoint, category) or (category.is_sensitive and not sent_as_sensitive):
        return MOVED
    return ""


def _record_withdrawn(delivery_id: int, reason: str, now: datetime) -> None:
    delivery = db.session.get_one(WebhookDelivery, delivery_id)
    delivery.status, delivery.failed_at, delivery.next_attempt_at = (
        DeliveryStatus.FAILED, now, None,
    )  # fmt: skip
    delivery.last_error = reason
    db.session.flush()


def record_success(claimed: Claimed, status_code: int, now: datetime) -> None:
    delivery = db.session.get_one(WebhookDelivery, claimed.delivery_id)
    delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    delivery.last_attempt_at, delivery.last_status_code = now, status_code
    delivery.last_error, delivery.next_attempt_at, delivery.failed_at = "", None, None
    endpoint = db.session.get_one(WebhookEndpoint, claimed.endpoint_id)
    endpoint.failing_since = None
    db.session.flush()


def record_failure(claimed: Claimed, status_code: int | None, error: str, now: datetime) -> None:
    """Retry later, or give up after the last attempt; disable an endpoint failing a day."""
    delivery = db.session.get_one(WebhookDelivery, claimed.delivery_id)
    delivery.last_attempt_at, delivery.last_status_code = now, status_code
    delivery.last_error = error[:1000]
    delay = retry_delay(delivery.attempts)
    if delay is None:
        delivery.status, delivery.failed_at, delivery.next_attempt_at = (
            DeliveryStatus.FAILED, now, None,
        )  # fmt: skip
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + delay
    endpoint = db.session.get_one(WebhookEndpoint, claimed.endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    if endpoint.is_active and now - endpoint.failing_since >= DISABLE_AFTER:
        disable_failing(endpoint, now)
    db.session.flush()


def disable_failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Turn the endpoint off after a day of failures and email every admin about it."""
    endpoint.is_active, endpoint.disabled_at = False, now
    endpoint.disabled_reason = (
        f"Every delivery failed for {DISABLE_AFTER.days * 24} hours "
        f"(since {endpoint.failing_since:%d %B %Y %H:%M} UTC)."
    )
    link = external_url("admin_webhooks.show", endpoint_id=endpoint.id)
    admins = select(User).where(
        User.role == Role.ADMIN,
        User.banned_at.is_(None),
        User.deactivated_at.is_(None),
        User.anonymised_at.is_(None),
    )
    subject = "A webhook was turned off after a day of failures"
    for admin in db.session.scalars(admins):
        key = f"webhook-disabled:{endpoint.id}:{now:%Y%m%d%H%M%S}:{admin.id}"
        queue_email(admin.email, subject, "webhook_disabled", dedupe_key=key,
                    user=admin, endpoint=endpoint, link=link)  # fmt: skip
