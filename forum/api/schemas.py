"""The API's shapes as pydantic models: request bodies are checked with them, responses are
built through them, and forum/api/spec.py publishes their JSON Schema in the document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


def problem_schema() -> dict[str, Any]:
    """RFC 9457 problem details, with this API's extensions."""
    finding = {
        "type": "object",
        "properties": {
            "field": {"type": "string"},
            "kind": {"type": "string"},
            "severity": {"type": "string"},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
        },
        "required": ["kind", "start", "end"],
    }
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "field": {"type": "string"},
            "scope": {"type": "string"},
            "findings": {"type": "array", "items": finding},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["type", "title", "status"],
    }


# Members --------------------------------------------------------------------------------------


class Member(Shape):
    """A member as others see them."""

    username: str
    display_name: str
    role: str
    job_title: str
    organisation: str
    post_count: int
    solution_count: int
    joined_at: datetime


class Me(Member):
    """The member the request acts as, with what the token may do."""

    id: int
    unread_notifications: int
    scopes: list[str]


def member(user: Any) -> dict[str, Any]:
    return Member(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        job_title=user.job_title,
        organisation=user.organisation,
        post_count=user.post_count,
        solution_count=user.solution_count,
        joined_at=user.created_at,
    ).model_dump(mode="json")


class Page(Shape):
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")


# Notifications ----------------------------------------------------------------------------


class NotificationEntry(Shape):
    id: int
    kind: str
    headline: str
    thread_id: int | None
    post_id: int | None
    count: int
    unread: int
    preview: str
    created_at: datetime


class NotificationList(Page):
    items: list[NotificationEntry]


class MarkRead(Shape):
    """Name the notifications to mark read, or send ``all``."""

    ids: list[int] = Field(default_factory=list, max_length=100)
    all: bool = False


def notification(row: Any) -> dict[str, Any]:
    n = row.notification
    return NotificationEntry(
        id=n.id,
        kind=n.kind,
        headline=row.headline,
        thread_id=n.thread_id,
        post_id=n.post_id,
        count=row.count,
        unread=row.unread,
        preview=row.preview,
        created_at=n.created_at,
    ).model_dump(mode="json")
