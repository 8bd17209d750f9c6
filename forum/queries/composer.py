"""Lookups for the composer: usernames and groups to mention, and threads that may answer a new
question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import contains_eager

from forum import search
from forum.extensions import db
from forum.models import Group, Thread, User
from forum.policy import Actor, visible_threads_clause

MENTION_LIMIT = 8
SIMILAR_LIMIT = 5
#: Words this short, or this common, say nothing about what a question is about.
MIN_WORD = 3
_WORD = re.compile(r"[^\W_]+")
_LIKE_SPECIALS = re.compile(r"([\\%_])")
_NOISE = frozenset(
    """about after again also and any are ask asking but can could did does for from get had has
    have how into its just may more most much not now off our out over patient patients should
    some such than that the their them then there these they this those too use used using was
    way were what when where which who why will with would you your""".split()
)


def _like(text: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", text)


def _handle_or_name_starts(handle: Any, name: Any, prefix: str) -> ColumnElement[bool] | None:
    """``handle`` or any word of ``name`` starts with what was typed after "@" (None: nothing
    was typed)."""
    prefix = prefix.strip().lstrip("@").lower()[:30]
    if not prefix:
        return None
    pattern = _like(prefix) + "%"
    return or_(
        handle.like(pattern, escape="\\"),
        func.lower(name).like(pattern, escape="\\"),
        func.lower(name).like("% " + pattern, escape="\\"),
    )


def mention_candidates(prefix: str, limit: int = MENTION_LIMIT) -> Sequence[User]:
    """Active members whose username or name starts with ``prefix``, for @-autocomplete."""
    if (typed := _handle_or_name_starts(User.username, User.display_name, prefix)) is None:
        return []
    stmt = (
        select(User)
        .where(
            User.deactivated_at.is_(None),
            User.anonymised_at.is_(None),
            User.banned_at.is_(None),
            User.password_hash.is_not(None),
            typed,
        )
        .order_by(User.username)
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


def mentionable_groups(prefix: str, limit: int = MENTION_LIMIT) -> Sequence[Group]:
    """Groups members may mention whose handle or name starts with ``prefix``."""
    if (typed := _handle_or_name_starts(Group.handle, Group.name, prefix)) is None:
        return []
    stmt = select(Group).where(Group.is_mentionable.is_(True), typed)
    return db.session.scalars(stmt.order_by(Group.handle).limit(limit)).all()


def title_words(title: str) -> list[str]:
    """The distinctive words of a title, lower-cased, at most eight."""
    words = []
    for word in _WORD.findall(title.lower()):
        if len(word) >= MIN_WORD and word not in _NOISE and word not in words:
            words.append(word)
    return words[:8]


def threads_with_title_words(
    title: str, actor: Actor, *, exclude: Sequence[int] = (), limit: int = SIMILAR_LIMIT
) -> Sequence[Thread]:
    """Visible threads sharing the most distinctive words with ``title`` (at least one)."""
    words = title_words(title)
    if not words:
        return []
    lowered = func.lower(Thread.title)
    matches = [case((lowered.like(f"%{_like(w)}%", escape="\\"), 1), else_=0) for w in words]
    score = sum(matches[1:], start=matches[0])
    stmt = (
        select(Thread)
        .join(Thread.category)
        .options(contains_eager(Thread.category))
        .where(visible_threads_clause(actor), score > 0)
        .order_by(score.desc(), Thread.solution_post_id.is_(None), Thread.last_post_at.desc())
        .limit(limit)
    )
    if exclude:
        stmt = stmt.where(Thread.id.not_in(list(exclude)))
    return db.session.scalars(stmt).all()


def similar_threads(title: str, actor: Actor, limit: int = SIMILAR_LIMIT) -> list[Thread]:
    """Up to ``limit`` threads that may already answer a question titled ``title``.

    Full-text search ranks first (it reads the posts as well as titles); threads sharing
    title words fill any places left.
    """
    words = title_words(title)
    if not words:
        return []
    results = search.search_posts(" ".join(words), actor, per_page=limit)
    found = [hit.thread for hit in results.hits][:limit]
    if len(found) < limit:
        more = threads_with_title_words(
            title, actor, exclude=[t.id for t in found], limit=limit - len(found)
        )
        found.extend(more)
    return found
