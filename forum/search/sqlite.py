"""SQLite: FTS5 external-content indexes kept in sync by triggers, bm25 and snippet().

``search_threads`` indexes ``threads.title`` and ``search_files`` the text of attached files,
each with ``content=`` its own table. ``search_posts`` indexes two columns per post: its text
(``body_source``) and its filter tokens (``facets``, see ``facets.py``). The tokens live in
``search_post_facets`` and the index reads both through the view ``search_post_documents``,
so the index stores no copy of any text. Triggers keep everything in step with every insert,
edit and delete of a post, with a thread's move to another category or a change of its
accepted answer, and with its tags; each removes an old entry with exactly the values it was
indexed with (FTS5 requires that). Hiding and deleting change no indexed value: visibility
is joined at query time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from forum.models import Post, Thread
from forum.search import ranking
from forum.search.facets import Facets
from forum.search.highlight import START, STOP
from forum.search.query import SearchQuery, Term, TextShape

name = "sqlite"

TOKENIZE = "porter unicode61 remove_diacritics 2"
#: Prefix lengths with an index of their own, per FTS5 table (default ``DEFAULT_PREFIXES``):
#: a prefix search of those lengths reads one posting list; longer ones merge the lists of
#: every matching word, which is slow for the common ones. Posts and titles pay twice the
#: index size for that (see docs/benchmarks.md).
PREFIXES = {"search_posts": "3 4 5 6", "search_threads": "3 4 5 6"}
DEFAULT_PREFIXES = "3"
#: Title weight relative to body text, as bm25 scores of the two indexes are combined.
TITLE_WEIGHT = 4.0
SNIPPET_TOKENS = 32
#: Posts a term may be in for bm25 to be worth its cost (see ``body_candidates``).
BM25_MAX_POSTS = 5000
FILL_BATCH = 5000

#: (index, content table, indexed column) for the single-column FTS5 tables.
INDEXES = (
    ("search_threads", "threads", "title"),
    # The text inside attached files (migration 0007, forum/search/files.py).
    ("search_files", "stored_files", "extracted_text"),
)
POSTS = "search_posts"
FACETS = "search_post_facets"
DOCUMENTS = "search_post_documents"

_posts_fts = table(POSTS, column("rowid", Integer))
_threads_fts = table("search_threads", column("rowid", Integer))


def _ddl(index: str, content: str, col: str) -> list[str]:
    values_new = f"INSERT INTO {index}(rowid, {col}) VALUES (new.id, new.{col});"
    values_old = f"INSERT INTO {index}({index}, rowid, {col}) VALUES ('delete', old.id, old.{col});"
    prefixes = PREFIXES.get(index, DEFAULT_PREFIXES)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({col}, content='{content}', "
        f"content_rowid='id', tokenize='{TOKENIZE}', prefix='{prefixes}')",
        f"CREATE TRIGGER IF NOT EXISTS {index}_insert AFTER INSERT ON {content} "
        f"BEGIN {values_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_delete AFTER DELETE ON {content} "
        f"BEGIN {values_old} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_update AFTER UPDATE OF {col} ON {content} "
        f"BEGIN {values_old} {values_new} END",
    ]


def facets_sql(post: str, thread: str) -> str:
    """The facet tokens of post ``post`` in thread ``thread`` (SQL aliases or ``new``)."""
    return (
        f"'au' || coalesce({post}.author_id, 0) || ' mo' || strftime('%Y%m', {post}.created_at)"
        f" || ' ca' || {thread}.category_id || ' so' || ({thread}.solution_post_id IS NOT NULL)"
        f" || coalesce((SELECT ' ' || group_concat('tg' || tag_id, ' ') FROM thread_tags"
        f" WHERE thread_id = {thread}.id), '')"
    )


_UNINDEX_POST = (
    f"INSERT INTO {POSTS}({POSTS}, rowid, body_source, facets) "
    f"SELECT 'delete', old.id, old.body_source, facets FROM {FACETS} WHERE post_id = old.id; "
    f"DELETE FROM {FACETS} WHERE post_id = old.id;"
)
_INDEX_POST = (
    f"INSERT INTO {FACETS}(post_id, facets) SELECT new.id, {facets_sql('new', 't')} "
    f"FROM threads AS t WHERE t.id = new.thread_id; "
    f"INSERT INTO {POSTS}(rowid, body_source, facets) "
    f"SELECT new.id, new.body_source, facets FROM {FACETS} WHERE post_id = new.id;"
)


def _reindex_thread(thread_id: str) -> str:
    """Statements that re-tag every post of thread ``thread_id`` (an SQL expression)."""
    documents = (
        f"FROM posts AS p JOIN {FACETS} AS f ON f.post_id = p.id WHERE p.thread_id = {thread_id}"
    )
    return (
        f"INSERT INTO {POSTS}({POSTS}, rowid, body_source, facets) "
        f"SELECT 'delete', p.id, p.body_source, f.facets {documents}; "
        f"UPDATE {FACETS} SET facets = (SELECT {facets_sql('p', 't')} FROM posts AS p "
        f"JOIN threads AS t ON t.id = p.thread_id WHERE p.id = {FACETS}.post_id) "
        f"WHERE post_id IN (SELECT id FROM posts WHERE thread_id = {thread_id}); "
        f"INSERT INTO {POSTS}(rowid, body_source, facets) "
        f"SELECT p.id, p.body_source, f.facets {documents};"
    )


def _posts_ddl() -> list[str]:
    thread_changed = (
        "old.category_id IS NOT new.category_id "
        "OR (old.solution_post_id IS NULL) IS NOT (new.solution_post_id IS NULL)"
    )
    return [
        f"CREATE TABLE IF NOT EXISTS {FACETS} (post_id INTEGER PRIMARY KEY, facets TEXT)",
        f"CREATE VIEW IF NOT EXISTS {DOCUMENTS} AS SELECT p.id AS id, "
        f"p.body_source AS body_source, f.facets AS facets "
        f"FROM posts AS p JOIN {FACETS} AS f ON f.post_id = p.id",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {POSTS} USING fts5(body_source, facets, "
        f"content='{DOCUMENTS}', content_rowid='id', tokenize='{TOKENIZE}', "
        f"prefix='{PREFIXES[POSTS]}')",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_insert AFTER INSERT ON posts "
        f"BEGIN {_INDEX_POST} END",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_delete AFTER DELETE ON posts "
        f"BEGIN {_UNINDEX_POST} END",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_update "
        f"AFTER UPDATE OF body_source, author_id, created_at, thread_id ON posts "
        f"BEGIN {_UNINDEX_POST} {_INDEX_POST} END",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_thread_update "
        f"AFTER UPDATE OF category_id, solution_post_id ON threads WHEN {thread_changed} "
        f"BEGIN {_reindex_thread('new.id')} END",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_tag_insert AFTER INSERT ON thread_tags "
        f"BEGIN {_reindex_thread('new.thread_id')} END",
        f"CREATE TRIGGER IF NOT EXISTS {POSTS}_tag_delete AFTER DELETE ON thread_tags "
        f"BEGIN {_reindex_thread('old.thread_id')} END",
    ]


_POSTS_OBJECTS = frozenset(
    {POSTS, FACETS, DOCUMENTS}
    | {f"{POSTS}_{event}" for event in ("insert", "delete", "update", "thread_update")}
    | {f"{POSTS}_tag_insert", f"{POSTS}_tag_delete"}
)


def install(connection: Connection) -> bool:
    """Create whatever is missing of the indexes and triggers; True if anything was."""
    before = _objects(connection)
    if not _POSTS_OBJECTS <= before:
        _uninstall_posts(connection)
        for statement in _posts_ddl():
            connection.exec_driver_sql(statement)
        _fill_posts(connection, lambda _n: None)
    for index, content, col in INDEXES:
        created = index not in before
        for statement in _ddl(index, content, col):
            connection.exec_driver_sql(statement)
        if created:
            connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
    return _objects(connection) != before


def uninstall(connection: Connection) -> None:
    _uninstall_posts(connection)
    for index, _content, _col in INDEXES:
        for suffix in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {index}")


def _uninstall_posts(connection: Connection) -> None:
    for name_ in sorted(_POSTS_OBJECTS - {POSTS, FACETS, DOCUMENTS}):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name_}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {POSTS}")
    connection.exec_driver_sql(f"DROP VIEW IF EXISTS {DOCUMENTS}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FACETS}")


def _objects(connection: Connection) -> set[str]:
    rows = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'"
    )
    return {row[0] for row in rows}


def rebuild_work(connection: Connection) -> int:
    """How many rows ``rebuild`` indexes (for a progress bar)."""
    posts = connection.exec_driver_sql("SELECT count(*) FROM posts").scalar_one()
    return 2 * posts + sum(
        connection.exec_driver_sql(f"SELECT count(*) FROM {content}").scalar_one()
        for _index, content, _col in INDEXES
    )


def rebuild(connection: Connection, progress: Callable[[int], None]) -> None:
    """Drop and recreate the indexes and triggers, then index every row in batches."""
    uninstall(connection)
    for statement in _posts_ddl():
        connection.exec_driver_sql(statement)
    _fill_posts(connection, progress)
    for index, content, col in INDEXES:
        for statement in _ddl(index, content, col):
            connection.exec_driver_sql(statement)
        rows = f"SELECT id, {col} FROM {content}"
        _fill(connection, f"{index}(rowid, {col})", rows, content, "id", progress)
    for index in (POSTS, *(index for index, _content, _col in INDEXES)):
        connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('optimize')")


def _fill_posts(connection: Connection, progress: Callable[[int], None]) -> None:
    """Compute every post's tokens, then index every post."""
    joined = "FROM posts AS p JOIN threads AS t ON t.id = p.thread_id"
    tokens = f"SELECT p.id, {facets_sql('p', 't')} {joined}"
    _fill(connection, f"{FACETS}(post_id, facets)", tokens, "posts", "p.id", progress)
    documents = f"SELECT id, body_source, facets FROM {DOCUMENTS} AS d"
    _fill(
        connection, f"{POSTS}(rowid, body_source, facets)", documents, DOCUMENTS, "d.id", progress
    )


def _fill(
    connection: Connection,
    target: str,
    rows: str,
    source: str,
    key: str,
    progress: Callable[[int], None],
) -> None:
    """``INSERT INTO target rows``, ``FILL_BATCH`` ids of ``source`` (``key`` in ``rows``) at
    a time."""
    last = 0
    while True:
        upper = connection.exec_driver_sql(
            f"SELECT max(id), count(*) FROM (SELECT id FROM {source} WHERE id > ? "
            f"ORDER BY id LIMIT ?)",
            (last, FILL_BATCH),
        ).one()
        if not upper[1]:
            return
        connection.exec_driver_sql(
            f"INSERT INTO {target} {rows} WHERE {key} > ? AND {key} <= ?", (last, upper[0])
        )
        last = upper[0]
        progress(upper[1])


def index_size(connection: Connection) -> int | None:
    """Bytes used by the FTS5 indexes (None where SQLite lacks the dbstat table)."""
    try:
        return connection.exec_driver_sql(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"
        ).scalar_one()
    except Exception:  # noqa: BLE001 - dbstat is an optional compile-time feature
        return None


# Querying ------------------------------------------------------------------------------------


def match_expression(query: SearchQuery) -> str:
    """The FTS5 query for ``query``'s terms, for the one-column indexes. Every term is a
    quoted string, so user input can never be read as FTS5 syntax."""
    positive = " AND ".join(_fts_term(t) for t in query.positive)
    if not query.negative:
        return positive
    return f"({positive}) NOT ({' OR '.join(_fts_term(t) for t in query.negative)})"


def _fts_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.kind == "prefix" else quoted


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

    FTS5 intersects the posting lists of the words and the tokens, skipping through each
    (newest first, stopping once the window is full), so a common word with a filter that
    keeps few posts reads few entries of either.

    bm25 needs, for each term, the number of posts containing it, and FTS5 counts that by
    reading the term's whole posting list: for a word in a quarter of a million posts that
    alone costs more than the rest of the search. So bm25 is used only when every term is
    in fewer than ``BM25_MAX_POSTS`` posts (``_cheap_to_rank``); otherwise the candidates
    are all equally relevant and the order falls back on titles, solved threads and dates.
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
    entries of each term's posting list (the words of a phrase each count)."""
    for term in query.positive:
        words = [term] if term.kind != "phrase" else [Term(w) for w in term.text.split()]
        for word in words:
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM (SELECT rowid FROM {POSTS} WHERE {POSTS} MATCH ? LIMIT ?)",
                (f"body_source : ({_fts_term(word)})", BM25_MAX_POSTS),
            ).scalar_one()
            if found >= BM25_MAX_POSTS:
                return False
    return True


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

    FTS5 answers ``rowid IN (ids)`` one id at a time, and for each it sets up the search's
    posting lists again: 6 ms for 20 posts and two common words at 100,000 posts, 20 ms at a
    million. So the posts at or above ``floor`` (the lowest of the body candidates,
    ``ranking.ranked``) are found in one pass down the range from the highest of them, with
    the search's filter tokens (``tokens``): the range holds about a window's worth of
    matches (1.5 ms at a million). The pass stops after ``RANGE_ROWS`` matches (filters
    without tokens can leave more in the range); what it did not reach, and older posts
    (found by their thread's title or a file), are looked up by id.
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
