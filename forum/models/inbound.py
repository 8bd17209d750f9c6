"""Replies that arrived by email: each message once, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class InboundEmail(Base):
    """One received message, found again by its Message-ID so it is handled only once.

    Nothing of the message's text is kept here: only who, where, and the outcome.
    """

    __tablename__ = "inbound_emails"
    __table_args__ = (Index("ix_inbound_emails_user_answered", "user_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the Message-ID as sent (or of the whole message when it has none).
    message_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    #: ``posted``, ``held``, ``blocked``, ``to_confirm``, ``refused``, ``automatic``, ``unknown``,
    #: ``forged``, ``expired``, ``empty`` (``forum/services/inbound/receive.py``).
    outcome: Mapped[str] = mapped_column(String(20), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the member was emailed about a refused reply (at most one answer per message).
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
