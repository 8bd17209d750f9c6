"""The learning log: a member's private CPD reflections, for their annual appraisal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class LearningEntry(Base):
    """One piece of learning, seen by its author alone (docs/learning-log.md)."""

    __tablename__ = "learning_entries"
    __table_args__ = (Index("ix_learning_entries_user_date", "user_id", "learned_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    learned_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    #: Where the learning happened: a thread, post or resource here, or a page elsewhere;
    #: "" for a meeting or a webinar with nothing to link to.
    link: Mapped[str] = mapped_column(String(500), default="")
    #: ``thread``, ``post``, ``resource`` or "" (written by hand), with the id it came from.
    source_kind: Mapped[str] = mapped_column(String(16), default="")
    source_id: Mapped[int | None]
    minutes: Mapped[int] = mapped_column(default=0)
    #: The three reflective prompts: what I learned; how it changes my practice; follow-up.
    learned: Mapped[str] = mapped_column(Text, default="")
    practice_change: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LearningEntry {self.id} of user {self.user_id}>"
