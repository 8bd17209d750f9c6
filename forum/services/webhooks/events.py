"""Events become deliveries: one row per endpoint that wants the event and may see it,
written in the caller's transaction (a rolled-back post sends nothing); the worker sends them.

What a hook may see: events from public categories (neither staff-only nor restricted to
groups) always; from a restricted category only when an admin chose it for that hook. In a
sensitive category (``Category.is_sensitive``) the payload carries ids, links and the
category, never a title, a post's text or a name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.links import external_url
from forum.models import (
    Category,
    Post,
    Thread,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from forum.services.webhooks import signing

_ACTIVE = select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True))


def is_public(category: Category) -> bool:
    """Every member may read it: neither staff-only nor restricted to groups."""
    return not category.is_staff_only and not category.read_group_ids


def may_see(endpoint: WebhookEndpoint, category: Category | None) -> bool:
    """Whether ``endpoint`` may receive an event about content in ``category``."""
    return category is None or is_public(category) or category.id in (endpoint.category_ids or [])


def emit(event: str, data: dict[str, Any], *, category: Category | None = None) -> int:
    """Queue ``event`` for every active endpoint that wants it and may see ``category``;
    returns how many deliveries were queued."""
    now = utcnow()
    queued = 0
    for endpoint in db.session.scalars(_ACTIVE):
        if event in (endpoint.events or []) and may_see(endpoint, category):
            db.session.add(_delivery(endpoint, event, data, now))
            queued += 1
    if queued:
        db.session.flush()
    return queued


def _delivery(
    endpoint: WebhookEndpoint, event: str, data: dict[str, Any], now: datetime
) -> WebhookDelivery:
    payload = {"type": event, "timestamp": now.isoformat(), "data": data}
    return WebhookDelivery(
        endpoint_id=endpoint.id,
        event=event,
        message_id=signing.new_message_id(),
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )


def ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for one endpoint (the "Send a test event" button)."""
    delivery = _delivery(endpoint, WebhookEvent.PING, {"endpoint_id": endpoint.id}, utcnow())
    db.session.add(delivery)
    db.session.flush()
    return delivery


# The hooks the services call ------------------------------------------------------------


def _category(category: Category) -> dict[str, Any]:
    return {"id": category.id, "slug": category.slug, "name": category.name,
            "sensitive": category.is_sensitive}  # fmt: skip


def _post_data(thread: Thread, post: Post, category: Category) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": _category(category),
        "thread": {"id": thread.id, "url": external_url("threads.show", thread_id=thread.id)},
        "post": {
            "id": post.id,
            "number": post.post_number,
            "url": external_url("posts.show", post_id=post.id),
            "created_at": post.created_at.isoformat(),
        },
        "author": {"id": post.author_id},
    }
    if category.is_sensitive:
        data["text_withheld"] = True
    else:
        data["thread"]["title"] = thread.title
        data["post"]["body"] = post.body_source
        data["author"]["display_name"] = post.author_name
    return data


def post_published(thread: Thread, post: Post) -> None:
    """``thread.created`` for an opening post, ``post.created`` for a reply, once members can
    see it (called where notifications are: on posting and on approval of a held post)."""
    withheld = (post.hidden_at, post.held_at, post.deleted_at, thread.hidden_at, thread.deleted_at)
    if any(value is not None for value in withheld):
        return
    category = db.session.get_one(Category, thread.category_id)
    event = WebhookEvent.THREAD_CREATED if post.post_number == 1 else WebhookEvent.POST_CREATED
    emit(event, _post_data(thread, post, category), category=category)


def solution_accepted(thread: Thread, post: Post) -> None:
    """``solution.accepted``: ``post`` is now the accepted answer to ``thread``."""
    category = db.session.get_one(Category, thread.category_id)
    emit(WebhookEvent.SOLUTION_ACCEPTED, _post_data(thread, post, category), category=category)


def member_joined(user: User) -> None:
    """``member.joined``: an account was created (no email address is ever sent)."""
    data = {
        "member": {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "url": external_url("users.show", username=user.username),
        }
    }
    emit(WebhookEvent.MEMBER_JOINED, data)
