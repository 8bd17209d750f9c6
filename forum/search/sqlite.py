"""SQLite: the backend's interface and its queries (FTS5 ``MATCH``, bm25, ``snippet()``).

The FTS5 tables, the view and the triggers (``sqlite_schema``): docs/search.md#the-index
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from forum.models import Post, Thread
from forum.search import ranking
from forum.search.facets import Facets
from forum.search.highlight import START, STOP
from forum.search.query import SearchQuery, Term, TextShape
from forum.search.sqlite_schema import POSTS

# Re-exported: the backend's interface (the schema and its repairs), and what tests use.
from forum.search.sqlite_schema import compact as compact
from forum.search.sqlite_schema import facets_sql as facets_sql
from forum.search.sqlite_schema import index_size as index_size
from forum.search.sqlite_schema import install as install
from forum.search.sqlite_schema import rebuild as rebuild
from forum.search.sqlite_schema import rebuild_work as rebuild_work
from forum.search.sqlite_schema import uninstall as uninstall

name = "sqlite"

#: Title weight relative to body text, as bm25 scores of the two indexes are combined.
TITLE_WEIGHT = 4.0
SNIPPET_TOKENS = 32
#: Posts a term may be in for bm25 to be worth its cost (see ``body_candidates``).
BM25_MAX_POSTS = 5000

_posts_fts = table(POSTS, column("rowid", Integer))
_threads_fts = table("search_threads", column("rowid", Integer))


# Querying ------------------------------------------------------------------------------------


def match_expression(query: SearchQuery) -> str:
    """The FTS5 query for ``query``'s terms, for the one-column indexes. Every term is a
    quoted string, so user input can never be read as FTS5 syntax."""
    positive = " AND ".join(_fts_term(t) for t in query.positive)
    if not query.negative:
        return positive
    return f"({positive}) NOT ({' OR '.join(_fts_term(t) for t in query.negative)})"


def _fts_term(term: Term) -> str:
    if term.alternatives:  # any term of its thesaurus group, phrases as phrases
        return "(" + " OR ".join(_fts_string(option) for option in term.options) + ")"
    quoted = _fts_string(term.text)
    return quoted + "*" if term.kind == "prefix" else quoted


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def posts_expression(query: SearchQuery, facets: Facets) -> str:
    """The FTS5 query for ``search_posts``: the terms, in the text column only (so no word
    can match a filter token), and the filter tokens in theirs."""
    parts = []
    if query.has_text:
        positive = " AND ".join(_fts_term(t) for t in query.positive)
        text_part = f"body_source : ({positive})"
        if query.negative:
            negative = " OR ".join(_fts_term(t) for t in query.negative)
            text_part = f"({text_part}) NOT (body_source : ({negative}))"
        parts.append(f"({text_part})")
    if facets:
        parts.append(facets.fts5("facets"))
    return " AND ".join(parts)


def _match(index: str, parameter: str = "fts_query") -> Any:
    return literal_column(index).op("MATCH")(bindparam(parameter))


def prepare(
    connection: Connection, query: SearchQuery, facets: Facets, window: int
) -> tuple[bool, dict[str, Any]]:
    """Whether the candidates are ranked by bm25 (``_cheap_to_rank``): all that the
    statement finding them is built from besides the text's and filters' shapes."""
    return query.has_text and _cheap_to_rank(connection, query), {}


def body_candidates(
    text: TextShape, facets: bool, ranked: bool, where: list[Any], window: int
) -> Select[Any]:
    """The newest ``window`` posts that match the text and carry the filter tokens (both in
    ``fts_posts``), and pass ``where``, with their relevance (bm25 if ``ranked``).

    Why bm25 only below ``BM25_MAX_POSTS``: docs/search.md#bounded-reads
    """
    if ranked:
        relevance: Any = -func.bm25(literal_column(POSTS), 1.0, 0.0)
    else:
        relevance = literal_column("1.0")
    return (
        select(*ranking.candidate_columns(relevance, title=False))
        .select_from(ranking.joined_posts(_posts_fts, Post.id == _posts_fts.c.rowid))
        .where(_match(POSTS, "fts_posts"), *where)
        .order_by(_posts_fts.c.rowid.desc())
        .limit(window)
    )


def _cheap_to_rank(connection: Connection, query: SearchQuery) -> bool:
    """Is every term in fewer than ``BM25_MAX_POSTS`` posts? Reads at most that many
    entries of each term's posting list (the words of a phrase, and of each term of a
    thesaurus group, each count), in one statement."""
    words: list[Term] = []
    for term in query.positive:
        if term.kind == "prefix":
            words.append(term)
        else:
            words += [Term(w) for option in term.options for w in option.split()]
    words = list(dict.fromkeys(words))
    if not words:
        return True
    count = f"(SELECT count(*) FROM (SELECT rowid FROM {POSTS} WHERE {POSTS} MATCH ? LIMIT ?))"
    params: list[Any] = []
    for word in words:
        params += [f"body_source : ({_fts_term(word)})", BM25_MAX_POSTS]
    found = connection.exec_driver_sql(
        "SELECT max(" + ", ".join([count] * len(words)) + (", 0)" if len(words) == 1 else ")"),
        tuple(params),
    ).scalar_one()
    return found < BM25_MAX_POSTS


def title_candidates(text: TextShape, where: list[Any], window: int) -> Select[Any]:
    relevance = -func.bm25(literal_column("search_threads")) * TITLE_WEIGHT
    on = Thread.id == _threads_fts.c.rowid
    return (
        select(*ranking.candidate_columns(relevance, title=True))
        .select_from(ranking.joined_opening_posts(_threads_fts, on))
        .where(_match("search_threads"), *where)
        .order_by(_threads_fts.c.rowid.desc())
        .limit(window)
    )


def parameters(query: SearchQuery, facets: Facets | None = None) -> dict[str, Any]:
    """Bind values the candidate selects need: ``fts_query`` for titles and files,
    ``fts_posts`` for posts (with the filter tokens, if given)."""
    return {
        "fts_query": match_expression(query),
        "fts_posts": posts_expression(query, facets or Facets()),
    }


def snippets(
    connection: Connection,
    query: SearchQuery,
    post_ids: Iterable[int],
    *,
    tokens: Facets | None = None,
    floor: int | None = None,
) -> dict[int, str]:
    """Marked-up excerpts of the posts whose text matches, by post id.

    Posts at or above ``floor`` are read in one pass down a range, the rest by id:
    docs/search.md#snippets-on-sqlite
    """
    ids = sorted(set(post_ids))
    near = [post_id for post_id in ids if floor is not None and post_id >= floor]
    found: dict[int, str] = {}
    reached = near[0] if near else math.inf  # what the pass down the range covered
    if near:
        rows = connection.execute(
            _RANGE_SNIPPETS,
            {
                "fts_query": posts_expression(query, tokens or Facets()),
                "ids": near,
                "low": near[0],
                "high": near[-1],
                "most": RANGE_ROWS,
            },
        ).all()
        found.update({row[0]: row[1] for row in rows if row[1]})
        if len(rows) == RANGE_ROWS:
            reached = rows[-1][0]
    by_id = [post_id for post_id in ids if post_id < reached]
    found.update(_marked(connection, POSTS, _SNIPPET, posts_expression(query, Facets()), by_id))
    return found


def titles(connection: Connection, query: SearchQuery, thread_ids: Iterable[int]) -> dict[int, str]:
    """Thread titles with every match marked, for threads whose title matches."""
    function = f"highlight(search_threads, 0, {_MARKS})"
    return _marked(connection, "search_threads", function, match_expression(query), thread_ids)


_MARKS = f"'{START}', '{STOP}'"
_SNIPPET = f"snippet({POSTS}, 0, {_MARKS}, '…', {SNIPPET_TOKENS})"
#: Most matches ``snippets`` reads in its pass down a range (about 5 µs each).
RANGE_ROWS = 1_000
_RANGE_SNIPPETS = text(
    f"SELECT rowid, CASE WHEN rowid IN :ids THEN {_SNIPPET} END FROM {POSTS} "
    f"WHERE {POSTS} MATCH :fts_query AND rowid BETWEEN :low AND :high "
    "ORDER BY rowid DESC LIMIT :most"
).bindparams(bindparam("ids", expanding=True))


def _marked(
    connection: Connection, index: str, function: str, expression: str, ids: Iterable[int]
) -> dict[int, str]:
    # "rowid IN" makes FTS5 look each id up in the posting lists (a seek per id and term,
    # well under a millisecond for a page of results); reading the lists between the first
    # and last id instead costs tens of milliseconds for a common word.
    id_list: Sequence[int] = sorted(set(ids))
    if not id_list or not expression:
        return {}
    statement = text(
        f"SELECT rowid, {function} FROM {index} WHERE {index} MATCH :fts_query AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = connection.execute(statement, {"fts_query": expression, "ids": id_list})
    return {row[0]: row[1] for row in rows}
