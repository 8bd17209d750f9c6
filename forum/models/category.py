"""Categories group threads; some are for staff only, some archived (read-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    #: Invisible (404) to anyone who is not staff, everywhere.
    is_staff_only: Mapped[bool] = mapped_column(default=False)
    #: Pre-moderation: every new post waits for a moderator's approval.
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: New threads here must use the case question template.
    requires_case_template: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Peer support and the like: emails never carry its titles or post text.
    is_sensitive: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Archived: read-only (no new threads or replies), listed apart, still readable.
    archived_at: Mapped[datetime | None]
    # Groups (forum/models/group.py): caches of ``category_groups``, written only with them.
    #: Only these groups' members (and staff) may read; none: every member may.
    read_group_ids: Mapped[list[int] | None] = mapped_column(JSON)
    #: Only these groups' members (and staff) may start threads and reply; none: every reader.
    post_group_ids: Mapped[list[int] | None] = mapped_column(JSON)
    # Denormalised by services so the home page is one query.
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime | None]
    last_thread_id: Mapped[int | None]
    last_thread_title: Mapped[str] = mapped_column(String(200), default="")
    last_poster_name: Mapped[str] = mapped_column(String(80), default="")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class CategorySlug(Base):
    """An address a category had before: ``/c/<slug>`` redirects to where it is now."""

    __tablename__ = "category_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
