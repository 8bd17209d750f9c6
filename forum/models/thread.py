"""Threads: a title and an ordered run of posts in one category."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.category import Category


class ThreadKind(StrEnum):
    QUESTION = "question"
    DISCUSSION = "discussion"
    #: A clinical case question written with the structured template.
    CASE = "case"


#: Each kind as a badge names it, in lists and on the thread (text, never colour alone).
KIND_NAMES = {
    ThreadKind.QUESTION: "Question",
    ThreadKind.DISCUSSION: "Discussion",
    ThreadKind.CASE: "Case question",
}

#: A thread nobody has replied to, as SQL (the partial index's condition).
UNANSWERED = "reply_count = 0"


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_category_listing", "category_id", "is_pinned", "last_post_at"),
        Index("ix_threads_last_post_at", "last_post_at"),
        #: The home page's site-wide pinned threads, without scanning every thread.
        Index("ix_threads_pinned_globally", "is_pinned_globally", "last_post_at"),
        #: Everything a reader's visibility asks of a thread, so the lists' totals count an
        #: index and never read the threads themselves (5 times faster at 5,000 threads).
        Index("ix_threads_visibility", "category_id", "deleted_at", "hidden_at", "author_id"),
        #: The unanswered list, newest first, and its total: only the threads it holds (a
        #: statement must say ``reply_count = 0`` literally for the planner to use it).
        #: The review list: accepted answers whose guidance changed, or whose review is due.
        Index("ix_threads_solution_guidance_changed", "solution_guidance_changed_at"),
        Index("ix_threads_solution_review_due", "solution_review_due"),
        Index(
            "ix_threads_unanswered",
            "last_post_at",
            sqlite_where=text(UNANSWERED),
            postgresql_where=text(UNANSWERED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Kept so history reads well after the author's account is anonymised.
    author_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    #: Visible replies (posts after the first that are not deleted).
    reply_count: Mapped[int] = mapped_column(default=0)
    #: Highest post_number handed out; the next post gets this plus one.
    last_post_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_poster_name: Mapped[str] = mapped_column(String(80), default="")
    #: The reply accepted as the answer (no FK: posts already reference threads).
    solution_post_id: Mapped[int | None] = mapped_column(index=True)
    #: Set when the opening post is deleted before anyone replied.
    deleted_at: Mapped[datetime | None]
    #: Shown at the top of the home page as well as its category.
    is_pinned_globally: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Set while the opening post is hidden or awaiting approval: only its author and
    #: moderators see the thread.
    hidden_at: Mapped[datetime | None]
    #: The thread this one was merged into (no FK, like ``solution_post_id``).
    merged_into_id: Mapped[int | None]
    # Questions and answers (see forum/services/discussions/solutions.py)
    #: ``ThreadKind``: questions and case questions can have an accepted solution.
    kind: Mapped[str] = mapped_column(
        String(16), default=ThreadKind.QUESTION, server_default=ThreadKind.QUESTION.value
    )

    # The accepted answer's review (see docs/answers.md); reset when the solution changes.
    #: When the accepted answer is due a second look (``answer_review_months`` after it was
    #: accepted or last confirmed).
    solution_review_due: Mapped[datetime | None]
    #: Staff last confirmed the accepted answer is still correct.
    solution_reviewed_at: Mapped[datetime | None]
    solution_reviewed_by_name: Mapped[str] = mapped_column(
        String(80), default="", server_default=""
    )
    #: A clinical reviewer (or staff) checked the accepted answer; an edit to it clears this.
    solution_verified_at: Mapped[datetime | None]
    solution_verified_by_name: Mapped[str] = mapped_column(
        String(80), default="", server_default=""
    )
    #: Who checked it (no FK, like ``solution_post_id``): they may take the check back.
    solution_verified_by_id: Mapped[int | None]
    #: Copied from the accepted answer's ``guidance_changed_at``, for lists and search.
    solution_guidance_changed_at: Mapped[datetime | None]

    category: Mapped[Category] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"
