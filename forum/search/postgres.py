"""PostgreSQL: the backend's interface, with the titles' side of a search and the snippets
(to_tsquery, ts_rank, ts_headline).

The columns, indexes and triggers, and the other ``postgres_*`` modules: docs/search.md#the-index
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from forum.models import Post, Thread
from forum.search import ranking, vocabulary
from forum.search.facets import Facets
from forum.search.highlight import START, STOP
from forum.search.postgres_match import REGCONFIG, THREAD_VECTOR, parameters, tsquery

# Re-exported: the backend's interface, and what files.py and the benchmark use.
from forum.search.postgres_match import loose_text as loose_text
from forum.search.postgres_match import posts_match as posts_match
from forum.search.postgres_match import prefix_text as prefix_text
from forum.search.postgres_match import websearch_text as websearch_text
from forum.search.postgres_plans import body_candidates as body_candidates
from forum.search.postgres_plans import prepare as prepare
from forum.search.postgres_schema import index_size as index_size
from forum.search.postgres_schema import install as install
from forum.search.postgres_schema import rebuild as rebuild
from forum.search.postgres_schema import rebuild_work as rebuild_work
from forum.search.postgres_schema import uninstall as uninstall
from forum.search.query import SearchQuery, TextShape

name = "postgresql"

#: Longest stretch of a post that ts_headline reads: it re-parses the text, and a 60,000
#: character post would cost more than the whole search. Matches beyond it show no snippet.
HEADLINE_SOURCE_CHARS = 20_000
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=32, MinWords=12, ShortWord=2"
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

_REGCONFIG = REGCONFIG  # files.py


def compact(connection: Connection) -> None:
    """The tsvectors are generated columns, rewritten with their rows; only the words "did
    you mean" reads are counted again, so none of the old ones stays there."""
    if not vocabulary.install(connection):
        vocabulary.refresh(connection)


def title_candidates(text: TextShape, where: list[Any], window: int) -> Select[Any]:
    """The newest ``window`` threads whose title matches and that pass ``where``, from the
    GIN index: there are twenty times fewer threads than posts, so even a title word in
    thousands of threads costs a few milliseconds, and asking the planner first would cost a
    round trip for every search."""
    q = tsquery(text)
    found = select(Thread.id.label("id")).where(THREAD_VECTOR.op("@@")(q)).cte("title_matches")
    found = found.prefix_with("MATERIALIZED")
    return (
        select(*ranking.candidate_columns(func.ts_rank(THREAD_VECTOR, q), title=True))
        .select_from(ranking.joined_opening_posts(found, Thread.id == found.c.id))
        .where(*where)
        .order_by(Thread.id.desc())
        .limit(window)
    )


def snippets(
    connection: Connection,
    query: SearchQuery,
    post_ids: Iterable[int],
    *,
    tokens: Facets | None = None,
    floor: int | None = None,
) -> dict[int, str]:
    """Marked-up excerpts of the posts that match, by post id. ``ts_headline`` reads each
    post by its id, so ``tokens`` and ``floor`` (for SQLite's ``snippets``) are not needed."""
    ids = sorted(set(post_ids))
    if not ids or not query.has_text:
        return {}
    statement = _snippets_statement(query.text_shape)
    rows = connection.execute(statement, {**parameters(query), "ids": ids})
    return {row[0]: row[1] for row in rows if START in row[1]}


def titles(connection: Connection, query: SearchQuery, thread_ids: Iterable[int]) -> dict[int, str]:
    """Thread titles with every match marked, for threads whose title matches."""
    ids = sorted(set(thread_ids))
    if not ids or not query.has_text:
        return {}
    rows = connection.execute(
        _titles_statement(query.text_shape), {**parameters(query), "ids": ids}
    )
    return {row[0]: row[1] for row in rows}


# Built once per shape of text, the words bound (as the ranked statement is: ``search``).


@lru_cache(maxsize=8)
def _snippets_statement(text: TextShape) -> Select[Any]:
    source = func.left(Post.body_source, HEADLINE_SOURCE_CHARS)
    headline = func.ts_headline(REGCONFIG, source, tsquery(text), HEADLINE_OPTIONS)
    return select(Post.id, headline).where(Post.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=8)
def _titles_statement(text: TextShape) -> Select[Any]:
    headline = func.ts_headline(REGCONFIG, Thread.title, tsquery(text), TITLE_OPTIONS)
    return select(Thread.id, headline).where(Thread.id.in_(bindparam("ids", expanding=True)))
