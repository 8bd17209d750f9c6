"""The API's shapes as pydantic models: request bodies are checked with them, responses are
built through them, and forum/api/spec.py publishes their JSON Schema in the document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

#: A row's id as the database holds it.
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


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

    ids: list[RowId] = Field(default_factory=list, max_length=100)
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


# Categories, threads, posts ---------------------------------------------------------------


class CategoryOut(Shape):
    id: int
    name: str
    slug: str
    description: str


class CategoryList(Shape):
    items: list[CategoryOut]


class PostOut(Shape):
    id: int
    thread_id: int
    number: int
    author: str
    body: str | None = Field(
        description="The Markdown the author wrote: on a post read alone (null in a thread's "
        "page of posts); empty once deleted."
    )
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    edit_count: int
    helpful_count: int
    deleted: bool
    hidden: bool
    held: bool
    is_solution: bool


class ThreadOut(Shape):
    id: int
    title: str
    kind: str
    category: str
    author: str
    reply_count: int
    created_at: datetime
    last_post_at: datetime | None
    pinned: bool
    locked: bool
    solved: bool
    solution_post_id: int | None
    tags: list[str]


class ThreadList(Page):
    items: list[ThreadOut]


class ThreadDetail(ThreadOut):
    posts: list[PostOut]
    next_cursor: str | None


class SearchHitOut(Shape):
    thread_id: int
    post_id: int
    title: str
    snippet: str
    matches: int
    accepted_answer: bool


class SearchResultsOut(Page):
    items: list[SearchHitOut]
    total: int
    notices: list[str]


ConfirmKinds = list[Annotated[str, Field(max_length=40)]]


class NewThread(Shape):
    """``confirm``: the kinds of confirmable finding (as a 422 listed them) that you confirm
    are not patient-identifiable, as the pages' confirmation box does."""

    category_id: int = Field(ge=1, le=2**31 - 1)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)
    kind: str = Field(default="question", pattern="^(question|discussion)$")
    tag_ids: list[RowId] = Field(default_factory=list, max_length=5)
    client_token: str | None = Field(default=None, max_length=64)
    confirm: ConfirmKinds = Field(default_factory=list, max_length=20)


class NewPost(Shape):
    body: str = Field(min_length=1, max_length=50_000)
    reply_to: int | None = Field(default=None, ge=1, le=2**31 - 1)
    basis: str = Field(default="", max_length=16)
    client_token: str | None = Field(default=None, max_length=64)
    confirm: ConfirmKinds = Field(default_factory=list, max_length=20)


class EditPost(Shape):
    body: str = Field(min_length=1, max_length=50_000)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    reason: str = Field(default="", max_length=500)
    #: The post's edit_count when you read it: a later edit by anyone is a 409.
    edit_count: int | None = Field(default=None, ge=0, le=2**31 - 1)
    confirm: ConfirmKinds = Field(default_factory=list, max_length=20)


class Solution(Shape):
    post_id: int = Field(ge=1, le=2**31 - 1)


def thread(row_thread: Any, tags: list[Any]) -> dict[str, Any]:
    t = row_thread
    return ThreadOut(
        id=t.id,
        title=t.title,
        kind=t.kind,
        category=t.category.slug,
        author=t.author_name,
        reply_count=t.reply_count,
        created_at=t.created_at,
        last_post_at=t.last_post_at,
        pinned=bool(t.is_pinned or t.is_pinned_globally),
        locked=t.is_locked,
        solved=t.solution_post_id is not None,
        solution_post_id=t.solution_post_id,
        tags=[tag.slug for tag in tags],
    ).model_dump(mode="json")


def post(p: Any, solution_post_id: int | None, *, source: bool = True) -> dict[str, Any]:
    deleted = p.deleted_at is not None
    text = ("" if deleted else p.body_source) if source else None
    return PostOut(
        id=p.id,
        thread_id=p.thread_id,
        number=p.post_number,
        author=p.author_name,
        body=text,
        body_html="" if deleted else p.body_html,
        created_at=p.created_at,
        edited_at=p.edited_at,
        edit_count=p.edit_count,
        helpful_count=p.helpful_count,
        deleted=deleted,
        hidden=p.hidden_at is not None,
        held=p.held_at is not None,
        is_solution=p.id == solution_post_id,
    ).model_dump(mode="json")


# The review queue -------------------------------------------------------------------------


class QueueEntry(Shape):
    subject: str
    id: int
    kind: str
    post_id: int | None
    created_at: datetime


class QueueList(Page):
    items: list[QueueEntry]


class Decision(Shape):
    """approve or reject a held post; resolve reports with an outcome (hidden, deleted,
    warned, dismissed)."""

    decision: str = Field(pattern="^(approve|reject|resolve)$")
    outcome: str = Field(default="", max_length=16)
    reason: str = Field(default="", max_length=1000)
    note: str = Field(default="", max_length=1000)
