"""Full-text search over posts and thread titles, behind one interface.

``search_posts`` answers a search as the page shows it; ``install()`` and ``rebuild()`` repair
the index. The backends and how the database keeps the index: docs/search.md#the-index
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from types import ModuleType
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import joinedload, load_only

from forum.extensions import db
from forum.models import Category, Post, Tag, Thread, User, utcnow
from forum.paging import PageNumbers
from forum.policy import Actor, ActorSnapshot, visibility_shape, visible_categories_clause
from forum.search import facets, files, postgres, ranking, sqlite, thesaurus
from forum.search.facets import Facets
from forum.search.highlight import marked, plain
from forum.search.query import SearchQuery, TextShape, parse, with_filters
from forum.text import plaintext

__all__ = [
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "install",
    "parse",
    "rebuild",
    "search_posts",
    "with_filters",
]

PER_PAGE = 20
#: Newest matching posts (and, separately, titles) ranked per query; see ``ranking``.
CANDIDATE_LIMIT = 300
EXCERPT_LENGTH = 240

_BACKENDS: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgres}


def backend() -> ModuleType:
    """The search module for the database in use."""
    dialect = db.engine.dialect.name
    if dialect not in _BACKENDS:
        raise RuntimeError(f"Search does not support the {dialect} database.")
    return _BACKENDS[dialect]


@dataclass(frozen=True)
class SearchHit:
    """A thread that matched, shown by its best post."""

    post: Post
    title: Markup
    snippet: Markup
    #: How many of the thread's posts matched (among the ranked candidates).
    matches: int
    title_match: bool

    @property
    def thread(self) -> Thread:
        return self.post.thread

    @property
    def is_accepted_answer(self) -> bool:
        return self.post.id == self.thread.solution_post_id

    @property
    def review_overdue(self) -> bool:
        """The accepted answer's review date has passed (from the thread's columns)."""
        due = self.thread.solution_review_due
        return self.thread.solution_post_id is not None and due is not None and due < utcnow()


@dataclass(frozen=True)
class SearchResults(PageNumbers):
    query: SearchQuery
    hits: Sequence[SearchHit]
    number: int
    per_page: int
    #: Matching threads; a lower bound when ``complete`` is False.
    total: int
    #: False when the search matched more posts than are ranked (see ``CANDIDATE_LIMIT``).
    complete: bool = True

    @property
    def notices(self) -> tuple[str, ...]:
        return self.query.notices


def search_posts(
    query: str | SearchQuery, actor: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> SearchResults:
    """Search what ``actor`` may see; one page of threads, each shown by its best post."""
    query = parse(query) if isinstance(query, str) else query
    query = _explain_exclusions(query)
    empty = SearchResults(query, (), page, per_page, 0)
    if query.is_empty:
        return empty
    if current_app.config.get("SEARCH_THESAURUS", True):
        query = thesaurus.expand(query, thesaurus.current())
    resolved = _resolve_filters(query, actor)
    if resolved is None:
        return replace(empty, query=_with_notice(query, _missing_filter(query, actor)))
    now = utcnow()
    tokens = facets.required(query, today=now.date(), **resolved)
    statement, params = _statement(query, actor, resolved, tokens, page, per_page, now)
    rows = db.session.execute(statement, params).all()
    if not rows and page > 1:
        return _beyond_last_page(query, statement, params, page, per_page)
    total = rows[0].total if rows else 0
    hits = _hits(query, tokens, rows)
    return SearchResults(query, hits, page, per_page, total, _complete(rows))


def _explain_exclusions(query: SearchQuery) -> SearchQuery:
    if query.negative and not query.positive:
        return _with_notice(
            query,
            "Searches need at least one word to look for: an excluded word (-word) only "
            "narrows a search down, so it was not used.",
        )
    return query


def _with_notice(query: SearchQuery, notice: str) -> SearchQuery:
    return replace(query, notices=(*query.notices, notice))


def _lookups(query: SearchQuery, actor: Actor) -> dict[str, tuple[str | None, Any]]:
    """For each filter naming a row: the value typed and the select that finds its id."""
    return {
        "category_id": (
            query.category,
            select(Category.id).where(
                Category.slug == query.category, visible_categories_clause(actor)
            ),
        ),
        "author_id": (
            query.author,
            # A former member's posts are not listed together by their old handle.
            select(User.id).where(User.username == query.author, User.anonymised_at.is_(None)),
        ),
        "tag_id": (query.tag, select(Tag.id).where(Tag.slug == query.tag)),
    }


_MISSING = {
    "category_id": "There is no category “{}”.",
    "author_id": "No member has the username “{}”.",
    "tag_id": "There is no tag “{}”.",
}


def _resolve_filters(query: SearchQuery, actor: Actor) -> dict[str, int | None] | None:
    """Ids for the ``category:``, ``author:`` and ``tag:`` values; None (and a notice, from
    ``_missing_filter``) if one names nothing. A staff-only category is nothing, to members."""
    resolved: dict[str, int | None] = {}
    if query.category is None and query.author is None and query.tag is None:
        return resolved
    for key, (value, lookup) in _lookups(query, actor).items():
        if value is not None:
            resolved[key] = db.session.scalar(lookup)
            if resolved[key] is None:
                return None
    return resolved


def _missing_filter(query: SearchQuery, actor: Actor) -> str:
    for key, (value, lookup) in _lookups(query, actor).items():
        if value is not None and db.session.scalar(lookup) is None:
            return _MISSING[key].format(value)
    return ""


@dataclass(frozen=True)
class _Shape:
    """All that a search's ranked statement is built from: the words, ids, dates, bounds and
    the page are bound values, so the statement is built once per shape (``_ranked``), as
    the pages' other statements are (docs/architecture.md)."""

    dialect: str
    reader: ActorSnapshot
    text: TextShape
    filters: ranking.FilterShape
    facets: bool
    #: The backend's choice of how to find the candidates (``prepare``); None to browse.
    body: Hashable
    window: int


def _statement(
    query: SearchQuery,
    actor: Actor,
    resolved: dict[str, int | None],
    tokens: Facets,
    page: int,
    per_page: int,
    now: Any = None,
) -> tuple[Any, dict[str, Any]]:
    engine = backend()
    window = current_app.config.get("SEARCH_CANDIDATE_LIMIT", CANDIDATE_LIMIT)
    body: Hashable = None
    body_params: dict[str, Any] = {}
    if query.has_text or tokens:
        body, body_params = engine.prepare(db.session.connection(), query, tokens, window)
    shape = _Shape(
        engine.name,
        visibility_shape(actor),
        query.text_shape,
        ranking.FilterShape.of(query),
        bool(tokens),
        body,
        window,
    )
    params = {
        "actor_id": actor.id,
        **ranking.filter_parameters(query, **resolved, now=now),
        **engine.parameters(query, tokens),
        **body_params,
        "page_offset": (page - 1) * per_page,
        "page_size": per_page,
    }
    return _ranked(shape), params


#: Each kept statement holds about 270 KB (measured): 32 of them bound a worker's share at
#: about 9 MB, and members' everyday searches (words, a phrase, a filter or two) use a handful.
@lru_cache(maxsize=32)
def _ranked(shape: _Shape) -> Select[Any]:
    engine = _BACKENDS[shape.dialect]
    where = [ranking.visible(shape.reader), *ranking.filters(shape.filters)]
    text, window = shape.text, shape.window
    if text.positive:
        sides = [
            engine.body_candidates(text, shape.facets, shape.body, where, window),
            engine.title_candidates(text, where, window),
            files.candidates(shape.dialect, text, where, window),
        ]
    elif shape.facets:
        sides = [engine.body_candidates(text, shape.facets, shape.body, where, window)]
    else:
        sides = [ranking.browse_candidates(where, window)]
    return ranking.ranked(sides)


def _complete(rows: Sequence[Row[Any]]) -> bool:
    window = current_app.config.get("SEARCH_CANDIDATE_LIMIT", CANDIDATE_LIMIT)
    if not rows:
        return True
    sizes = [value for key, value in rows[0]._mapping.items() if str(key).endswith("_size")]
    return all(size < window for size in sizes)


def _beyond_last_page(
    query: SearchQuery, statement: Any, params: dict[str, Any], page: int, per_page: int
) -> SearchResults:
    """A page past the last: the same statement, asked for its first row, gives the total."""
    first = db.session.execute(statement, {**params, "page_offset": 0, "page_size": 1}).first()
    total = first.total if first else 0
    return SearchResults(query, (), page, per_page, total, _complete([first] if first else []))


def _hits(query: SearchQuery, tokens: Facets, rows: Sequence[Row[Any]]) -> tuple[SearchHit, ...]:
    if not rows:
        return ()
    posts = _load_posts([row.post_id for row in rows])
    connection = db.session.connection()
    engine = backend()
    floor = rows[0].side_0_floor if query.has_text else None
    snippets = engine.snippets(connection, query, posts, tokens=tokens, floor=floor)
    unmatched = [post_id for post_id in posts if post_id not in snippets]
    snippets.update(files.snippets(connection, engine.name, query, unmatched))
    titled = [row.thread_id for row in rows if row.title_hit]
    titles = engine.titles(connection, query, titled)
    return tuple(
        SearchHit(
            post=posts[row.post_id],
            title=_title(posts[row.post_id].thread, titles),
            snippet=_snippet(posts[row.post_id], snippets),
            matches=row.matches,
            title_match=bool(row.title_hit),
        )
        for row in rows
        if row.post_id in posts
    )


def _load_posts(ids: list[int]) -> dict[int, Post]:
    return {post.id: post for post in db.session.scalars(_POSTS_BY_ID, {"ids": ids})}


#: Built once, as the pages' other fixed statements are (docs/architecture.md); only what a
#: result shows (``templates/search/index.html``): the post's text for an excerpt when no
#: snippet matched, not its source; of the thread and category, what the result links and
#: badges, and the reply count the composer's similar threads show (``/similar``). Anything
#: else would load when first read, one statement per result.
_POSTS_BY_ID = (
    select(Post)
    .options(
        load_only(
            Post.thread_id,
            Post.post_number,
            Post.author_name,
            Post.created_at,
            Post.body_html,
        ),
        joinedload(Post.thread)
        .load_only(
            Thread.slug,
            Thread.title,
            Thread.category_id,
            Thread.solution_post_id,
            Thread.reply_count,
            # The accepted answer's badges (guidance changed, reviewed, checked).
            Thread.solution_guidance_changed_at,
            Thread.solution_review_due,
            Thread.solution_reviewed_at,
            Thread.solution_verified_at,
        )
        .joinedload(Thread.category)
        .load_only(Category.slug, Category.name, Category.is_staff_only),
    )
    .where(Post.id.in_(bindparam("ids", expanding=True)))
)


def _title(thread: Thread, titles: dict[int, str]) -> Markup:
    return marked(titles[thread.id]) if thread.id in titles else plain(thread.title)


def _snippet(post: Post, snippets: dict[int, str]) -> Markup:
    if post.id in snippets:
        return marked(snippets[post.id])
    return plain(plaintext.excerpt(post.body_html, EXCERPT_LENGTH))


# Maintenance ---------------------------------------------------------------------------------


def install() -> bool:
    """Create any missing part of the search index (the migration normally has); True if
    anything was missing. Call inside a transaction the caller commits."""
    return backend().install(db.session.connection())


def rebuild_work() -> int:
    """Units of work ``rebuild`` reports to its progress callback (for a progress bar)."""
    return backend().rebuild_work(db.session.connection())


def rebuild(progress: Callable[[int], None] | None = None) -> None:
    """Rebuild the whole index from the posts and threads tables; the caller commits."""
    backend().rebuild(db.session.connection(), progress or (lambda _n: None))


@contextmanager
def built_afterwards() -> Iterator[None]:
    """For bulk loads (``forum seed-bench``): the index is taken down while rows go in, and
    built from the tables once they are in, all in the caller's transaction. Building an index
    once is many times faster than updating it row by row: PostgreSQL's GIN indexes have no
    pending list (``fastupdate = off``), so every inserted post updates them in place."""
    connection = db.session.connection()
    backend().uninstall(connection)
    yield
    backend().rebuild(connection, lambda _n: None)


def compact() -> None:
    """After text is rewritten to forget it (a redaction, a member who left): leave none of
    the old words in the index's own tables."""
    backend().compact(db.session.connection())


def index_size() -> int | None:
    """Bytes the index takes on disk, where the database can tell."""
    return backend().index_size(db.session.connection())
