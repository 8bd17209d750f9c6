"""Posts and their revisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.thread import Thread
from forum.models.user import User


class AnswerBasis(StrEnum):
    """What a reply says it rests on (optional, one choice)."""

    NATIONAL = "national"
    LOCAL = "local"
    EVIDENCE = "evidence"
    EXPERIENCE = "experience"


#: Each basis as the post shows it beside its author.
BASIS_NAMES = {
    AnswerBasis.NATIONAL: "National guideline",
    AnswerBasis.LOCAL: "Local pathway",
    AnswerBasis.EVIDENCE: "Published evidence",
    AnswerBasis.EXPERIENCE: "Own experience",
}


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "post_number"),
        Index("ix_posts_client_token", "author_id", "client_token", unique=True),
    )

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
    # Moderation: hidden and held posts are shown only to their author and to moderators.
    hidden_at: Mapped[datetime | None]
    #: Shown to the author (and moderators) beside the hidden post.
    hidden_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: No FK: added to an existing table, which SQLite cannot constrain without rebuilding it.
    hidden_by_id: Mapped[int | None]
    #: Set while the post awaits a moderator's approval.
    held_at: Mapped[datetime | None]
    held_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Answers: helpful marks (recounted by forum/services/discussions/helpful.py) and reply context.
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The post this one answers, when the writer replied to a particular post (no FK, as above).
    reply_to_post_id: Mapped[int | None]
    #: Random token of the form that sent the post: the same form sent twice (a double
    #: click, a retry after a timeout) finds this post instead of adding a second one.
    client_token: Mapped[str | None] = mapped_column(String(64))
    # Answers that stay right (docs/answers.md)
    #: ``AnswerBasis`` or "": what the reply rests on, as its author said.
    basis: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: Set when guidance the post cites changed or was withdrawn after it was written;
    #: cleared when staff confirm the answer or its author edits it.
    guidance_changed_at: Mapped[datetime | None]
    #: What changed, in a sentence per recommendation ("NG12 1.3.1 changed on 2 Oct 2026: ...").
    guidance_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: A newer post that replaces this one as the answer (no FK, as above).
    superseded_by_post_id: Mapped[int | None]
    #: Set when staff withdraw the post as its thread's accepted answer, with the reason its
    #: author sees.
    answer_withdrawn_at: Mapped[datetime | None]
    answer_withdrawn_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    reply_to: Mapped[Post | None] = relationship(
        primaryjoin="foreign(Post.reply_to_post_id) == remote(Post.id)",
        lazy="raise_on_sql",
        viewonly=True,
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

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
