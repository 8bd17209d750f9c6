"""An accepted answer's review date: set when a solution is accepted, cleared when it is not.

Kept apart from ``review.py`` so the solutions service can call it without an import cycle
(``review.py`` uses the solutions service to withdraw an answer)."""

from __future__ import annotations

import calendar
from datetime import datetime

from forum.models import Post, Thread, utcnow
from forum.queries import site as site_reads
from forum.services.guidance import verification


def months_later(start: datetime, months: int) -> datetime:
    """``start`` plus whole calendar months (31 January plus one month is 28 or 29 February)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def review_due(now: datetime | None = None) -> datetime:
    """When an answer accepted or reviewed ``now`` is next due a review (the site setting)."""
    months = site_reads.site_settings().answer_review_months
    return months_later(now or utcnow(), max(1, months))


def solution_accepted(thread: Thread, post: Post) -> None:
    """A new accepted answer starts its own review clock; it carries its own guidance flag.
    A withdrawn answer chosen again (by a moderator) is no longer withdrawn."""
    post.answer_withdrawn_at, post.answer_withdrawn_reason = None, ""
    thread.solution_review_due = review_due()
    thread.solution_reviewed_at, thread.solution_reviewed_by_name = None, ""
    verification.clear(thread)
    thread.solution_guidance_changed_at = post.guidance_changed_at


def solution_cleared(thread: Thread) -> None:
    """No accepted answer, nothing to review."""
    thread.solution_review_due = None
    thread.solution_reviewed_at, thread.solution_reviewed_by_name = None, ""
    verification.clear(thread)
    thread.solution_guidance_changed_at = None
