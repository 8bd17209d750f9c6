"""Moderation: flags and the review queue, watched words, member sanctions and notes,
category moderators, and the messages that tell members what moderators decided."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.category import Category
from forum.models.post import Post


class FlagReason(StrEnum):
    PATIENT_IDENTIFIER = "patient_identifier"
    CLINICAL_SAFETY = "clinical_safety"
    OUTDATED_GUIDANCE = "outdated_guidance"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    UNKIND = "unkind"
    SPAM = "spam"
    OTHER = "other"
    #: Raised by the forum itself when a post matches a watched word set to "flag".
    WATCHED_WORD = "watched_word"


FLAG_REASON_LABELS: dict[str, str] = {
    FlagReason.PATIENT_IDENTIFIER: "Possible patient identifier",
    FlagReason.CLINICAL_SAFETY: "Clinical safety concern",
    FlagReason.OUTDATED_GUIDANCE: "Outdated guidance",
    FlagReason.CONFLICT_OF_INTEREST: "Undeclared conflict of interest or promotion",
    FlagReason.UNKIND: "Unkind or inappropriate",
    FlagReason.SPAM: "Spam",
    FlagReason.OTHER: "Something else",
    FlagReason.WATCHED_WORD: "Matched a watched word",
}

#: What a member may choose when reporting (the forum alone raises watched-word flags).
MEMBER_FLAG_REASONS = tuple(r for r in FlagReason if r != FlagReason.WATCHED_WORD)


class ItemKind(StrEnum):
    FLAG = "flag"
    HELD = "held"


class Outcome(StrEnum):
    HIDDEN = "hidden"
    DELETED = "deleted"
    EDITED = "edited"
    WARNED = "warned"
    DISMISSED = "dismissed"
    APPROVED = "approved"
    REJECTED = "rejected"


class ModerationItem(Base):
    """One thing in the review queue about one post: its gathered flags, or its hold."""

    __tablename__ = "moderation_items"
    __table_args__ = (Index("ix_moderation_items_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    #: Why a held post waits ("new member", "category requires approval", a watched word).
    summary: Mapped[str] = mapped_column(String(300), default="")
    flag_count: Mapped[int] = mapped_column(default=0)
    #: True when a flag hid the post at once; dismissing the item shows it again.
    hid_post: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_by_name: Mapped[str] = mapped_column(String(80), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    #: Also gave the author a formal warning.
    warned: Mapped[bool] = mapped_column(default=False)
    #: Shown to the author when their post is affected, and to flaggers on a dismissal.
    outcome_reason: Mapped[str] = mapped_column(String(1000), default="")

    post: Mapped[Post] = relationship(lazy="raise_on_sql")
    flags: Mapped[list[Flag]] = relationship(
        back_populates="item", lazy="raise_on_sql", order_by="Flag.id"
    )

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Flag(Base):
    """A member's report on a post, gathered into the post's open queue item."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("item_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_items.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    #: NULL when the forum raised the flag itself (a watched word).
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reporter_name: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ModerationItem] = relationship(back_populates="flags", lazy="raise_on_sql")

    @property
    def reason_label(self) -> str:
        return FLAG_REASON_LABELS.get(self.reason, self.reason)


class QueueClaim(Base):
    """A moderator's claim on a queue entry, so two moderators don't handle it at once.

    ``subject`` names the source ("item" for ``moderation_items``, "join_request"...), so every
    kind of entry in the queue is claimed the same way.
    """

    __tablename__ = "queue_claims"
    __table_args__ = (UniqueConstraint("subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    moderator_name: Mapped[str] = mapped_column(String(80))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WordAction(StrEnum):
    BLOCK = "block"
    HOLD = "hold"
    FLAG = "flag"


class WatchedWord(Base):
    """A word or phrase staff watch for in new and edited posts."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; ``*`` matches any run of letters or digits.
    phrase: Mapped[str] = mapped_column(String(100), unique=True)
    action: Mapped[str] = mapped_column(String(8))
    #: Shown to the writer when the word blocks their post.
    explanation: Mapped[str] = mapped_column(String(300), default="")
    created_by_name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SanctionKind(StrEnum):
    WARNING = "warning"
    SILENCE = "silence"
    SUSPENSION = "suspension"
    BAN = "ban"


class MemberSanction(Base):
    """A formal warning, silence, suspension or ban: the member's moderation record."""

    __tablename__ = "member_sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(1000))
    #: End of a silence or suspension; NULL for warnings and bans.
    ends_at: Mapped[datetime | None]
    #: Set when staff lift the sanction early.
    lifted_at: Mapped[datetime | None]
    lifted_by_name: Mapped[str] = mapped_column(String(80), default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberNote(Base):
    """A note about a member that only staff can read."""

    __tablename__ = "member_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CategoryModerator(Base):
    """A member who may moderate one category (``users.moderated_category_ids`` caches these)."""

    __tablename__ = "category_moderators"
    __table_args__ = (UniqueConstraint("user_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    assigned_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship(lazy="raise_on_sql")


class ModerationMessage(Base):
    """What a member is told about a moderation decision: on their post, their report, or them."""

    __tablename__ = "moderation_messages"
    __table_args__ = (Index("ix_moderation_messages_recipient", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: e.g. "post_hidden", "report_outcome", "warning" (see services/moderation/messages.py).
    kind: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    thread_title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
