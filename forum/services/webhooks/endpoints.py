"""Admins register webhook endpoints, change them, turn them on and off, rotate their
secrets, and send a delivery again. Every change is in the audit log (never the secret)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    WEBHOOK_EVENT_NAMES,
    Category,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from forum.policy import Actor, can_manage_webhooks, require
from forum.services import audit
from forum.services.webhooks import events, signing
from forum.services.webhooks.addresses import check_target

URL_MAX_LENGTH = 500


def _clean_url(url: str) -> str:
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise ServiceError(f"Keep the URL to {URL_MAX_LENGTH} characters or fewer.", "url")
    check_target(url)
    return url


def _clean_events(chosen: Sequence[str]) -> list[str]:
    unknown = set(chosen) - set(WEBHOOK_EVENT_NAMES)
    if unknown:
        raise ServiceError("Choose events from the list.", "events")
    if not chosen:
        raise ServiceError("Choose at least one event to send.", "events")
    return [event for event in WEBHOOK_EVENT_NAMES if event in chosen]


def _clean_categories(category_ids: Sequence[int]) -> list[int]:
    """The restricted categories chosen (public ones are always included)."""
    if not category_ids:
        return []
    found = db.session.scalars(select(Category).where(Category.id.in_(set(category_ids))))
    return sorted(c.id for c in found if not events.is_public(c))


def _state(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "category_ids": list(endpoint.category_ids),
    }


def create_endpoint(
    actor: Actor, *, url: str, description: str, event_names: Sequence[str],
    category_ids: Sequence[int],
) -> WebhookEndpoint:  # fmt: skip
    """Register an endpoint with a new secret (shown to the admin once, on the next page)."""
    require(can_manage_webhooks(actor))
    endpoint = WebhookEndpoint(
        url=_clean_url(url),
        description=description.strip()[:200],
        secret=signing.new_secret(),
        events=_clean_events(event_names),
        category_ids=_clean_categories(category_ids),
        created_by_id=actor.id,
        created_by_name=actor.display_name,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(actor, "webhook.create", target=endpoint, after=_state(endpoint))
    return endpoint


def update_endpoint(
    actor: Actor, endpoint: WebhookEndpoint, *, url: str, description: str,
    event_names: Sequence[str], category_ids: Sequence[int],
) -> None:  # fmt: skip
    require(can_manage_webhooks(actor))
    before = _state(endpoint)
    endpoint.url = _clean_url(url)
    endpoint.description = description.strip()[:200]
    endpoint.events = _clean_events(event_names)
    endpoint.category_ids = _clean_categories(category_ids)
    db.session.flush()
    audit.record(actor, "webhook.update", target=endpoint, before=before, after=_state(endpoint))


def rotate_secret(actor: Actor, endpoint: WebhookEndpoint) -> str:
    """A new secret; deliveries sent from now on are signed with it."""
    require(can_manage_webhooks(actor))
    endpoint.secret = signing.new_secret()
    db.session.flush()
    audit.record(actor, "webhook.rotate_secret", target=endpoint)
    return endpoint.secret


def set_active(actor: Actor, endpoint: WebhookEndpoint, active: bool) -> None:
    """Turn the endpoint on (its failure clock starts again) or off."""
    require(can_manage_webhooks(actor))
    if endpoint.is_active == active:
        return
    endpoint.is_active = active
    if active:
        endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
    else:
        endpoint.disabled_at, endpoint.disabled_reason = utcnow(), "Turned off by an admin."
    db.session.flush()
    audit.record(actor, "webhook.enable" if active else "webhook.disable", target=endpoint)


def delete_endpoint(actor: Actor, endpoint: WebhookEndpoint) -> None:
    require(can_manage_webhooks(actor))
    audit.record(actor, "webhook.delete", before=_state(endpoint))
    db.session.delete(endpoint)
    db.session.flush()


def send_again(actor: Actor, delivery: WebhookDelivery) -> None:
    """Queue the same message (same webhook-id) again, with a full set of attempts."""
    require(can_manage_webhooks(actor))
    if delivery.status == DeliveryStatus.SENDING:
        raise ServiceError("This delivery is being sent right now.")
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at, delivery.failed_at = utcnow(), None
    db.session.flush()
    audit.record(actor, "webhook.resend", target=delivery,
                 after={"message_id": delivery.message_id, "event": delivery.event})  # fmt: skip


def send_test(actor: Actor, endpoint: WebhookEndpoint) -> WebhookDelivery:
    require(can_manage_webhooks(actor))
    delivery = events.ping(endpoint)
    audit.record(actor, "webhook.test", target=endpoint)
    return delivery
