"""Rollups the programme's dashboards read (/insight): kept by the services as members write,
rebuilt from the base tables by ``flask --app wsgi forum rebuild-insight`` (docs/insight.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base


class InsightQuestion(Base):
    """One row per thread: when it was asked, first answered by someone else, and solved."""

    __tablename__ = "insight_questions"
    __table_args__ = (
        # Covers every figure the dashboards count, so a range is read from the index alone.
        Index(
            "ix_insight_questions_asked",
            "asked_at",
            "kind",
            "alliance",
            "category_id",
            "reply_minutes",
            "solution_minutes",
        ),  # fmt: skip
        Index("ix_insight_questions_unanswered", "first_reply_at", "asked_at"),
    )

    thread_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    asked_at: Mapped[datetime]
    #: The asker's Cancer Alliance when they asked ("" when they had none).
    alliance: Mapped[str] = mapped_column(String(80), default="")
    category_id: Mapped[int]
    #: ``ThreadKind``: discussions are kept but not counted as questions.
    kind: Mapped[str] = mapped_column(String(16), default="question")
    #: The first reply by someone other than the asker.
    first_reply_at: Mapped[datetime | None]
    reply_minutes: Mapped[int | None]
    #: When a solution was first accepted.
    solved_at: Mapped[datetime | None]
    solution_minutes: Mapped[int | None]


class InsightActivity(Base):
    """A member who posted on a day. Whether a member was active in a range is one probe of
    ``(user_id, day)``, so counting active members costs one probe per member, whatever the
    range and however many posts it holds."""

    __tablename__ = "insight_activity"
    __table_args__ = (Index("ix_insight_activity_member", "user_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class InsightDownload(Base):
    """Library downloads per day, resource and the downloader's alliance (batched writes)."""

    __tablename__ = "insight_downloads"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    resource_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    alliance: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    downloads: Mapped[int] = mapped_column(default=0)
