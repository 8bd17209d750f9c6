"""SQLite's search objects: the FTS5 tables, the filter tokens' table and view, and the
triggers that keep them in step; what the migrations create, and the repairs (``install``,
``rebuild``) that recreate them. ``sqlite.py`` is the backend's interface and its queries.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from forum.search import vocabulary

TOKENIZE = "porter unicode61 remove_diacritics 2"
#: Prefix lengths with an index of their own, per FTS5 table (default ``DEFAULT_PREFIXES``):
#: a prefix search of those lengths reads one posting list; longer ones merge the lists of
#: every matching word, which is slow for the common ones. Posts and titles pay twice the
#: index size for that (see docs/benchmarks.md).
PREFIXES = {"search_posts": "3 4 5 6", "search_threads": "3 4 5 6"}
DEFAULT_PREFIXES = "3"
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
    vocabulary.install(connection)
    return _objects(connection) != before


def uninstall(connection: Connection) -> None:
    vocabulary.uninstall(connection)
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
    compact(connection)


def compact(connection: Connection) -> None:
    """Merge each index's segments: FTS5 keeps a replaced entry's terms until they merge; and
    count the words "did you mean" reads again, so none of the old ones stays there."""
    for index in (POSTS, *(index for index, _content, _col in INDEXES)):
        connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('optimize')")
    if not vocabulary.install(connection):
        vocabulary.refresh(connection)


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
