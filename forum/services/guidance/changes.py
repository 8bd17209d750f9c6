"""What happens when staff record a version of a guideline that changes or withdraws
recommendations: every post citing one of them is marked, accepted answers among them go to
the review list, and their authors and the category's moderators are notified."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, func, or_, select, update

from forum.extensions import db
from forum.models import (
    Guideline,
    GuidelineVersion,
    Post,
    PostCitation,
    Recommendation,
    RecommendationStatus,
    Thread,
    utcnow,
)
from forum.models.guidance import CHANGING_STATUSES
from forum.policy import Actor
from forum.services import audit
from forum.services.notifications import inbox as notifications


def apply_version(actor: Actor, version: GuidelineVersion) -> int:
    """Mark the posts whose citations ``version`` changed or withdrew; return how many.

    Called by forum/services/guidance/register.py once the version and its recommendations
    are flushed. A post is marked only when it cited an earlier version: one written against
    this version (or a later one) already reads the new guidance. Applying a version twice
    adds no line twice."""
    guideline = db.session.get(Guideline, version.guideline_id)
    changed = _changed_recommendations(version)
    if guideline is None or not changed:
        return 0
    lines = {r.number: _line(guideline.code, r.number, r.status, version, r.change_note)
             for r in changed}  # fmt: skip
    whole = _line(guideline.code, "", RecommendationStatus.CHANGED, version, version.summary)
    new_lines = _new_lines_by_post(version, lines, whole)
    if not new_lines:
        return 0
    now = utcnow()
    _mark_posts(new_lines, now)
    _flag_solutions(list(new_lines), now)
    notifications.notify_guidance_changed(actor, new_lines)
    audit.record(
        actor,
        "guidance.version_applied",
        target=version,
        after={"guideline": guideline.code, "version": version.sequence,
               "posts_marked": len(new_lines)},
    )  # fmt: skip
    return len(new_lines)


def _changed_recommendations(version: GuidelineVersion) -> list[Recommendation]:
    stmt = (
        select(Recommendation)
        .where(
            Recommendation.version_id == version.id,
            Recommendation.status.in_([str(s) for s in CHANGING_STATUSES]),
        )
        .order_by(Recommendation.number)
    )
    return list(db.session.scalars(stmt))


def _line(code: str, number: str, status: str, version: GuidelineVersion, note: str) -> str:
    """One line of a post's guidance note: what changed, in which version."""
    when = f"{version.published_on.day} {version.published_on:%B %Y}"
    cited = f"{code} {number}" if number else code
    verb = "was withdrawn" if status == RecommendationStatus.WITHDRAWN else "was changed"
    line = f"{cited} {verb} in the version of {when}"
    note = " ".join(note.split())
    return f"{line}: {note}" if note else line


def _new_lines_by_post(
    version: GuidelineVersion, lines: dict[str, str], whole: str
) -> dict[int, list[str]]:
    """Each live post citing a changed recommendation (or the whole guideline) at an earlier
    version, with the lines its note does not have yet: one statement."""
    earlier = select(GuidelineVersion.id).where(
        GuidelineVersion.guideline_id == version.guideline_id,
        GuidelineVersion.sequence < version.sequence,
    )
    stmt = (
        select(PostCitation.post_id, PostCitation.number, Post.guidance_note)
        .join(Post, Post.id == PostCitation.post_id)
        .where(
            PostCitation.guideline_id == version.guideline_id,
            PostCitation.version_id.in_(earlier),
            or_(PostCitation.number.in_(sorted(lines)), PostCitation.number == ""),
            Post.deleted_at.is_(None),
        )
        .order_by(PostCitation.post_id, PostCitation.number)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for post_id, number, note in db.session.execute(stmt):
        line = lines.get(number, whole) if number else whole
        if line not in note.splitlines() and line not in found[post_id]:
            found[post_id].append(line)
    return {post_id: added for post_id, added in found.items() if added}


def _mark_posts(new_lines: dict[int, list[str]], now: datetime) -> None:
    """One UPDATE per distinct set of new lines (usually one or two for a whole version)."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for post_id, added in new_lines.items():
        by_text["\n".join(added)].append(post_id)
    for text, post_ids in by_text.items():
        db.session.execute(
            update(Post)
            .where(Post.id.in_(post_ids))
            .values(
                guidance_changed_at=func.coalesce(Post.guidance_changed_at, now),
                guidance_note=case(
                    (Post.guidance_note == "", text), else_=Post.guidance_note + "\n" + text
                ),
            )
            .execution_options(synchronize_session=False)
        )
    _expire(Post, new_lines, ["guidance_changed_at", "guidance_note"])


def _flag_solutions(post_ids: list[int], now: datetime) -> None:
    """Threads whose accepted answer is marked go to the review list."""
    db.session.execute(
        update(Thread)
        .where(Thread.solution_post_id.in_(post_ids), Thread.deleted_at.is_(None))
        .values(
            solution_guidance_changed_at=func.coalesce(Thread.solution_guidance_changed_at, now)
        )
        .execution_options(synchronize_session=False)
    )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Thread) and obj.solution_post_id in post_ids:
            db.session.expire(obj, ["solution_guidance_changed_at"])


def _expire(model: type, ids: Iterable[int], fields: list[str]) -> None:
    wanted = set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, model) and getattr(obj, "id", None) in wanted:
            db.session.expire(obj, fields)
