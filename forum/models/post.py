"""Posts and their revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.thread import Thread
from forum.models.user import User


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("thread_id", "post_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    #: 1 for the opening post; unique and gap-free within the thread.
    post_number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(80))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    markup_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    edit_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} #{self.post_number} in {self.thread_id}>"


class PostRevision(Base):
    """The source of a post as it was before an edit."""

    __tablename__ = "post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    revision_number: Mapped[int]
    body_source: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    editor_name: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
