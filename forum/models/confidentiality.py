"""The confidentiality guard's records: posts published after their author confirmed what the
guard found, the findings themselves (kind, offsets and a salted hash, never the text), and
confidentiality incidents (a breach and what staff did about it, with no content)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.post import Post


class ReviewOutcome(StrEnum):
    #: A moderator agreed that nothing identifies a patient.
    CLEARED = "cleared"
    #: A moderator redacted what did.
    REDACTED = "redacted"
    #: A moderator deleted the post.
    DELETED = "deleted"


class ConfidentialityReview(Base):
    """A post its author published after confirming that what the guard found is not
    patient-identifiable; it waits in the review queue until a moderator checks it."""

    __tablename__ = "confidentiality_reviews"
    __table_args__ = (Index("ix_confidentiality_reviews_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    #: Comma-separated finding kinds, e.g. ``postcode,phone`` (never the text).
    kinds: Mapped[str] = mapped_column(String(200))
    #: "thread", "reply" or "edit": what the author was doing when they confirmed.
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_by_name: Mapped[str] = mapped_column(String(80), default="")
    #: A ``ReviewOutcome``.
    outcome: Mapped[str] = mapped_column(String(16), default="")

    post: Mapped[Post] = relationship(lazy="raise_on_sql")
    findings: Mapped[list[PostFinding]] = relationship(
        back_populates="review", lazy="raise_on_sql", order_by="PostFinding.id"
    )

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def kind_list(self) -> list[str]:
        return [kind for kind in self.kinds.split(",") if kind]


class PostFinding(Base):
    """One identifier-like span the guard found in a post's title or text, as confirmed."""

    __tablename__ = "post_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("confidentiality_reviews.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    #: "title" or "body".
    field: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(8))
    #: Character offsets into the field's text as it was confirmed (``post.edit_count`` then).
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    edit_count: Mapped[int] = mapped_column(default=0)
    #: HMAC-SHA-256 of the normalised value with ``PII_SALT``: the same identifier gives the
    #: same hash, so a confirmed one need not be confirmed again, and nothing can be read back.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[ConfidentialityReview] = relationship(
        back_populates="findings", lazy="raise_on_sql"
    )


class ConfidentialityIncident(Base):
    """A post that identified a patient, and what staff did: for the data-protection lead.

    No content is ever kept here: kinds, counts, people and times only. Post, thread and author
    ids have no foreign key, so the record outlives a purge.
    """

    __tablename__ = "confidentiality_incidents"
    __table_args__ = (Index("ix_confidentiality_incidents_acted_at", "acted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None]
    thread_id: Mapped[int | None]
    author_id: Mapped[int | None]
    #: The member who wrote the post, as they were named then.
    author_name: Mapped[str] = mapped_column(String(80), default="")
    category_name: Mapped[str] = mapped_column(String(80), default="")
    #: Who raised it: the members who reported the post, the forum's check, or the moderator.
    reported_by: Mapped[str] = mapped_column(String(500))
    reported_at: Mapped[datetime]
    acted_by_id: Mapped[int | None]
    acted_by_name: Mapped[str] = mapped_column(String(80))
    acted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Comma-separated identifier kinds (``nhs_number,postcode``; ``other`` for spans a
    #: moderator marked by hand).
    kinds: Mapped[str] = mapped_column(String(200))
    #: What was done, as counts: ``{"revisions_rewritten": 2, "emails_withdrawn": 1, ...}``.
    actions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def kind_list(self) -> list[str]:
        return [kind for kind in self.kinds.split(",") if kind]
