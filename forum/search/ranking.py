"""The one ranked, grouped, paginated search statement, shared by both databases.

A backend supplies the text match (``body_candidates`` and ``title_candidates``); this module
adds who may see what, the filters, the grouping by thread and the order (docs/search.md#ranking),
each side ranking at most ``window`` candidates (docs/search.md#bounded-reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import FromClause

from forum.models import Category, Guideline, Post, PostCitation, Thread, ThreadTag
from forum.policy import Actor, visible_posts_clause, visible_threads_clause
from forum.search.query import SearchQuery, Status

SOLVED_BOOST = 1.5
ACCEPTED_BOOST = 2.0


@dataclass(frozen=True)
class Row:
    """One result: the best post of a thread, and how the thread matched."""

    post_id: int
    thread_id: int
    title_match: bool
    matches: int


@dataclass(frozen=True)
class SearchHits:
    rows: Sequence[Row]
    total: int
    #: False when a side reached the candidate window: ``total`` is then "at least".
    complete: bool


def visible(actor: Actor) -> ColumnElement[bool]:
    """Which posts ``actor`` may find: the single place search decides visibility.

    Deleted posts never; hidden and held posts and hidden threads only as the policy allows
    (their author, moderators); staff-only categories only for staff. Needs ``Post`` joined
    to ``Thread`` and ``Category``.
    """
    return and_(
        Post.deleted_at.is_(None), visible_posts_clause(actor), visible_threads_clause(actor)
    )


@dataclass(frozen=True)
class FilterShape:
    """Which filters a search has: what its statement is built from (their values are bound,
    ``filter_parameters``)."""

    category: bool = False
    author: bool = False
    tag: bool = False
    status: Status | None = None
    after: bool = False
    before: bool = False
    #: ``cites:``: None, or whether it names a recommendation (not only a guideline).
    cites: bool | None = None
    verified: bool = False
    outdated: bool = False

    @classmethod
    def of(cls, query: SearchQuery) -> FilterShape:
        return cls(
            category=query.category is not None,
            author=query.author is not None,
            tag=query.tag is not None,
            status=query.status,
            after=query.after is not None,
            before=query.before is not None,
            cites=None if query.cites is None else " " in query.cites,
            verified=query.verified,
            outdated=query.outdated,
        )


def filters(shape: FilterShape) -> list[Any]:
    """SQL conditions for the filters, on ``Post`` joined to ``Thread``, their values bound:
    ``category_id``, ``author_id`` and ``tag_id`` (the resolved ``category:``, ``author:``
    and ``tag:`` values), ``after_start`` and ``before_end`` (``filter_parameters``)."""
    clauses: list[Any] = []
    if shape.category:
        clauses.append(Thread.category_id == bindparam("category_id"))
    if shape.author:
        clauses.append(Post.author_id == bindparam("author_id"))
    if shape.tag:
        tagged = select(ThreadTag.thread_id).where(ThreadTag.tag_id == bindparam("tag_id"))
        clauses.append(Thread.id.in_(tagged))
    if shape.status == "solved":
        clauses.append(Thread.solution_post_id.is_not(None))
    elif shape.status == "unsolved":
        clauses.append(Thread.solution_post_id.is_(None))
    if shape.after:
        clauses.append(Post.created_at >= bindparam("after_start", type_=Post.created_at.type))
    if shape.before:
        clauses.append(Post.created_at < bindparam("before_end", type_=Post.created_at.type))
    if shape.cites is not None:
        clauses.append(Thread.id.in_(_citing_threads(number=shape.cites)))
    clauses.extend(_answer_filters(shape))
    return clauses


def _citing_threads(*, number: bool) -> Select[Any]:
    """Threads with a visible post citing ``cites_code`` (and recommendation ``cites_number``).

    Any post of the thread counts, since results are threads; deleted, hidden and held posts
    do not (what they cite is not shown to every reader)."""
    cited = aliased(Post, name="cited_post")
    stmt = (
        select(cited.thread_id)
        .select_from(PostCitation)
        .join(Guideline, Guideline.id == PostCitation.guideline_id)
        .join(cited, cited.id == PostCitation.post_id)
        .where(
            Guideline.code == bindparam("cites_code"),
            cited.deleted_at.is_(None),
            cited.hidden_at.is_(None),
            cited.held_at.is_(None),
        )
    )
    if number:
        stmt = stmt.where(PostCitation.number == bindparam("cites_number"))
    return stmt


def _answer_filters(shape: FilterShape) -> list[Any]:
    """``is:verified`` and ``is:outdated``, on the thread's accepted answer (from the thread's
    columns). Outdated: its guidance changed, or its review is overdue at ``review_now``."""
    clauses: list[Any] = []
    if shape.verified:
        clauses.append(Thread.solution_post_id.is_not(None))
        clauses.append(Thread.solution_verified_at.is_not(None))
    if shape.outdated:
        due = bindparam("review_now", type_=Thread.solution_review_due.type)
        clauses.append(Thread.solution_post_id.is_not(None))
        clauses.append(
            or_(
                Thread.solution_guidance_changed_at.is_not(None),
                Thread.solution_review_due < due,
            )
        )
    return clauses


def filter_parameters(
    query: SearchQuery,
    *,
    category_id: int | None = None,
    author_id: int | None = None,
    tag_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The values ``filters`` binds for ``query``, its ids already resolved; ``now`` is when
    a review counts as overdue (the time of the search)."""
    params: dict[str, Any] = {"category_id": category_id, "author_id": author_id, "tag_id": tag_id}
    if query.cites is not None:
        code, _space, number = query.cites.partition(" ")
        params["cites_code"], params["cites_number"] = code.upper(), number
    if query.outdated:
        params["review_now"] = now or datetime.now(UTC)
    if query.after is not None:
        params["after_start"] = _midnight(query.after)
    if query.before is not None:
        params["before_end"] = _midnight(query.before) + timedelta(days=1)
    return params


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def candidate_columns(relevance: ColumnElement[Any], *, title: bool) -> tuple[Any, ...]:
    """The columns every candidate select returns, in this order."""
    return (
        Post.id.label("post_id"),
        Post.thread_id.label("thread_id"),
        relevance.label("relevance"),
        literal(1 if title else 0).label("title_hit"),
        Post.created_at.label("created_at"),
        Thread.solution_post_id.label("solution_post_id"),
    )


def joined_posts(source: FromClause, on: ColumnElement[bool]) -> FromClause:
    """An index table joined to the post it matched, its thread and its category."""
    return (
        source.join(Post, on)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
    )


def joined_opening_posts(source: FromClause, on: ColumnElement[bool]) -> FromClause:
    """An index table joined to the thread it matched, its opening post and its category."""
    return (
        source.join(Thread, on)
        .join(Post, and_(Post.thread_id == Thread.id, Post.post_number == 1))
        .join(Category, Category.id == Thread.category_id)
    )


def posts_with_threads() -> FromClause:
    """Posts joined to their thread and category."""
    return Post.__table__.join(Thread, Thread.id == Post.thread_id).join(
        Category, Category.id == Thread.category_id
    )


def threads_with_opening_posts() -> FromClause:
    """Threads joined to their opening post and category."""
    return Thread.__table__.join(
        Post, and_(Post.thread_id == Thread.id, Post.post_number == 1)
    ).join(Category, Category.id == Thread.category_id)


def browse_candidates(where: list[Any], window: int) -> Select[Any]:
    """Filters but no words: the newest matching posts, all equally relevant."""
    return (
        select(*candidate_columns(literal(1.0), title=False))
        .select_from(posts_with_threads())
        .where(*where)
        .order_by(Post.id.desc())
        .limit(window)
    )


def ranked(sides: list[Select[Any]]) -> Select[Any]:
    """Group the candidate posts by thread, order the threads and take one page (from
    ``page_offset``, ``page_size`` threads: bound values).

    Returns ``post_id, thread_id, title_hit, matches, total``, then, per side, how many
    candidates it found (to tell whether it reached its window), and ``side_0_floor``, the
    lowest of the bodies' candidates (docs/search.md#snippets-on-sqlite).
    """
    ctes = [side.cte(f"side_{n}") for n, side in enumerate(sides)]
    candidates = union_all(*(select(cte) for cte in ctes)).subquery("candidates")
    per_post = (
        select(
            candidates.c.post_id,
            candidates.c.thread_id,
            func.max(candidates.c.title_hit).label("title_hit"),
            func.sum(candidates.c.relevance).label("relevance"),
            func.max(candidates.c.created_at).label("created_at"),
            func.max(candidates.c.solution_post_id).label("solution_post_id"),
        )
        .group_by(candidates.c.post_id, candidates.c.thread_id)
        .subquery("per_post")
    )
    scored = _scored(per_post)
    side_sizes = [
        select(func.count()).select_from(cte).scalar_subquery().label(f"side_{n}_size")
        for n, cte in enumerate(ctes)
    ]
    floor = select(func.min(ctes[0].c.post_id)).scalar_subquery().label("side_0_floor")
    return (
        select(
            scored.c.post_id,
            scored.c.thread_id,
            scored.c.title_hit,
            scored.c.matches,
            func.count().over().label("total"),
            *side_sizes,
            floor,
        )
        .where(scored.c.place == 1)
        .order_by(
            scored.c.title_hit.desc(),
            scored.c.score.desc(),
            scored.c.created_at.desc(),
            scored.c.post_id.desc(),
        )
        .offset(bindparam("page_offset", type_=Integer))
        .limit(bindparam("page_size", type_=Integer))
    )


def _scored(per_post: Any) -> Any:
    score = (
        per_post.c.relevance
        * case((per_post.c.solution_post_id.is_not(None), SOLVED_BOOST), else_=1.0)
        * case((per_post.c.solution_post_id == per_post.c.post_id, ACCEPTED_BOOST), else_=1.0)
    )
    in_thread = {"partition_by": per_post.c.thread_id}
    return select(
        per_post.c.post_id,
        per_post.c.thread_id,
        per_post.c.created_at,
        score.label("score"),
        func.max(per_post.c.title_hit).over(**in_thread).label("title_hit"),
        func.count().over(**in_thread).label("matches"),
        func.row_number()
        .over(**in_thread, order_by=(score.desc(), per_post.c.created_at.desc()))
        .label("place"),
    ).subquery("scored")
