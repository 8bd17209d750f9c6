"""Webhooks: endpoints admins register, and the deliveries the worker sends them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow


class WebhookEvent(StrEnum):
    THREAD_CREATED = "thread.created"
    POST_CREATED = "post.created"
    SOLUTION_ACCEPTED = "solution.accepted"
    MEMBER_JOINED = "member.joined"
    #: Sent only by the "Send a test event" button.
    PING = "webhook.ping"


#: What each event means, for the form's checkboxes and the docs.
WEBHOOK_EVENT_NAMES: dict[str, str] = {
    WebhookEvent.THREAD_CREATED: "A thread is started (or its held opening post approved)",
    WebhookEvent.POST_CREATED: "A reply is posted (or a held reply approved)",
    WebhookEvent.SOLUTION_ACCEPTED: "A reply is accepted as a question's answer",
    WebhookEvent.MEMBER_JOINED: "A member's account is created",
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    #: Claimed by one worker; no other will touch it.
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    #: ``whsec_`` + base64 of 32 random bytes (the Standard Webhooks form).
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Restricted (group or staff-only) categories whose events it may receive, chosen by an
    #: admin; public categories always. Empty: public categories only.
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    #: The first failure since the last success; a day of failures disables the endpoint.
    failing_since: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    #: ``msg_`` + random: the webhook-id header, the same on every attempt.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.message_id} {self.event} {self.status}>"
