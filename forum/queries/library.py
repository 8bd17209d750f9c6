"""Read side of the resource library and of attachments, with visibility applied in SQL.

A resource is as visible as its discussion thread (``visible_threads_clause``); an attachment
as its post (``policy.can_download_attachment``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import (
    Attachment,
    Category,
    Post,
    Resource,
    ResourceVersion,
    Tag,
    Thread,
    ThreadTag,
)
from forum.paging import Page, offset_or_404
from forum.policy import (
    Actor,
    can_download_attachment,
    can_view_resource,
    visible_threads_clause,
)
from forum.search import SearchQuery, parse
from forum.search import files as file_search

#: Types a visitor can browse by; "image" covers the three image formats.
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word document",
    "pptx": "PowerPoint presentation",
    "xlsx": "Excel spreadsheet",
    "odt": "OpenDocument text",
    "csv": "CSV table",
    "image": "Image",
    "link": "Link",
}
IMAGE_KINDS = ("png", "jpeg", "gif")
SORTS = {"recent": "Recently updated", "title": "Title (A to Z)", "review": "Review date"}


def type_of(kind: str) -> str:
    """The browsing type of a resource kind."""
    return "image" if kind in IMAGE_KINDS else kind


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    category: str = ""
    tag: str = ""
    type: str = ""
    licence: str = ""
    sort: str = "recent"

    @property
    def active(self) -> bool:
        return any((self.q, self.category, self.tag, self.type, self.licence))

    def params(self, **changes: str) -> dict[str, str]:
        values = {
            "q": self.q,
            "category": self.category,
            "tag": self.tag,
            "type": self.type,
            "licence": self.licence,
            "sort": "" if self.sort == "recent" else self.sort,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def without(self, name: str) -> LibraryFilters:
        return replace(self, **{name: ""})


def _visible_resources(actor: Actor, category_slug: str = "") -> Select[tuple[Resource]]:
    """Resources ``actor`` may see (in the category with that slug, if given).

    Visibility is a probe of each resource's thread and category by primary key, so the
    statements read the library, never the forum's threads. As a join, SQLite (which has no
    statistics unless someone runs ``ANALYZE``) started from the categories and read every
    thread in them (9 ms a page at 5,000 threads, for an empty library).
    """
    thread = (
        select(Thread.id)
        .join(Thread.category)
        .where(Thread.id == Resource.thread_id, visible_threads_clause(actor))
    )
    if category_slug:
        thread = thread.where(Category.slug == category_slug)
    # Outer joins keep ``resources`` the outer loop on SQLite; every resource has its thread.
    loaded = joinedload(Resource.thread).joinedload(Thread.category)
    return select(Resource).where(thread.exists()).options(loaded)


def _filtered(filters: LibraryFilters, actor: Actor) -> tuple[Select[Any], dict[str, Any]]:
    stmt = _visible_resources(actor, filters.category)
    if filters.tag:
        tagged = select(ThreadTag.thread_id).join(Tag, Tag.id == ThreadTag.tag_id)
        stmt = stmt.where(Resource.thread_id.in_(tagged.where(Tag.slug == filters.tag)))
    if filters.type == "image":
        stmt = stmt.where(Resource.kind.in_(IMAGE_KINDS))
    elif filters.type:
        stmt = stmt.where(Resource.kind == filters.type)
    if filters.licence:
        stmt = stmt.where(Resource.licence == filters.licence)
    query = words_query(filters.q)
    if query is None:
        return stmt, {}
    condition, params = file_search.resource_match(db.engine.dialect.name, query)
    return stmt.where(condition), params


def words_query(text: str) -> SearchQuery | None:
    """The library's text filter as a search query (None when it has no words to look for)."""
    query = parse(text)
    return query if query.has_text else None


_ORDER = {
    "recent": (Resource.updated_at.desc(), Resource.id.desc()),
    "title": (func.lower(Resource.title), Resource.id),
    "review": (Resource.review_by, Resource.id),
}


def resources_page(
    actor: Actor, filters: LibraryFilters, number: int, per_page: int
) -> Page[Resource]:
    """One page of the resources ``actor`` may see, filtered and sorted."""
    stmt, params = _filtered(filters, actor)
    counted = select(func.count()).select_from(stmt.with_only_columns(Resource.id).subquery())
    total = db.session.scalar(counted, params) or 0
    offset = offset_or_404(number, per_page, total)
    ordered = stmt.order_by(*_ORDER.get(filters.sort, _ORDER["recent"]))
    items = db.session.scalars(ordered.offset(offset).limit(per_page), params).unique().all()
    return Page(items, number, per_page, total)


def tags_by_thread(thread_ids: Sequence[int]) -> dict[int, list[Tag]]:
    """The tags of these threads, by thread id, in name order."""
    if not thread_ids:
        return {}
    rows = db.session.execute(
        select(ThreadTag.thread_id, Tag)
        .join(Tag, Tag.id == ThreadTag.tag_id)
        .where(ThreadTag.thread_id.in_(sorted(set(thread_ids))))
        .order_by(Tag.name)
    ).all()
    found: dict[int, list[Tag]] = {}
    for thread_id, tag in rows:
        found.setdefault(thread_id, []).append(tag)
    return found


def all_tags() -> Sequence[Tag]:
    return db.session.scalars(select(Tag).order_by(Tag.name)).all()


def get_resource_or_404(resource_id: int, actor: Actor) -> Resource:
    stmt = (
        select(Resource)
        .options(joinedload(Resource.thread).joinedload(Thread.category))
        .where(Resource.id == resource_id)
    )
    resource = db.session.scalar(stmt)
    if resource is None or not can_view_resource(actor, resource):
        raise NotFound("That resource does not exist, or you cannot see it.")
    return resource


def versions(resource: Resource) -> Sequence[ResourceVersion]:
    """Every version of ``resource``, newest first, with its file."""
    stmt = (
        select(ResourceVersion)
        .options(joinedload(ResourceVersion.attachment).joinedload(Attachment.file))
        .where(ResourceVersion.resource_id == resource.id)
        .order_by(ResourceVersion.number.desc())
    )
    return db.session.scalars(stmt).all()


def opening_post(thread_id: int) -> Post:
    stmt = select(Post).where(Post.thread_id == thread_id, Post.post_number == 1)
    return db.session.scalars(stmt).one()


def due_for_review(actor: Actor, today: date, window_days: int) -> Sequence[Resource]:
    """Resources ``actor`` may see whose review date is past or within ``window_days``."""
    limit = today + timedelta(days=window_days)
    stmt = _visible_resources(actor).where(Resource.review_by <= limit)
    return db.session.scalars(stmt.order_by(Resource.review_by, Resource.id)).unique().all()


def get_attachment_or_404(attachment_id: int, actor: Actor) -> Attachment:
    stmt = (
        select(Attachment)
        .options(
            joinedload(Attachment.file),
            joinedload(Attachment.post).joinedload(Post.thread).joinedload(Thread.category),
        )
        .where(Attachment.id == attachment_id)
    )
    attachment = db.session.scalar(stmt)
    if attachment is None or not can_download_attachment(actor, attachment):
        raise NotFound("That file does not exist, or you cannot see it.")
    return attachment
