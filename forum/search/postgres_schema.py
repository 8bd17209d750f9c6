"""PostgreSQL's search objects: what the migrations create, and the repairs
(``install``, ``rebuild``) that recreate them.

Which objects, from which migration, and why: docs/search.md#the-index
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from forum.search import vocabulary

CONFIG = "english"

INDEXES = (
    ("posts", "D", "body_source"),
    ("threads", "A", "title"),
    # The text inside attached files (migration 0007, forum/search/files.py).
    ("stored_files", "D", "extracted_text"),
)
#: Without a pending list: by default GIN adds new entries to an unsorted list (up to 4 MB)
#: that every search reads in full until a vacuum merges it, and a thread's row gets new index
#: entries with every reply (its counters change). On the benchmark that list cost a search
#: 6 of its 19 ms of database time; a post's insert pays for it instead, once.
GIN_OPTIONS = "WITH (fastupdate = off)"
#: Columns of each table's GIN index (posts: text, filter tokens and id buckets).
INDEX_COLUMNS = {"posts": "search_vector, search_facets, search_id_bucket(id)"}

#: Posts per id bucket (``search_id_bucket``).
ID_BUCKET = 8192
#: Each post's id bucket as a one-lexeme tsvector (``bk122`` for ids 999,424 to 1,007,615), in
#: the posts' GIN index beside the words and filter tokens: "among the newest posts" becomes
#: "in these buckets", which GIN intersects with the words inside the index, skipping the older
#: parts of their posting lists, where a range of the primary key would first list every id of
#: the range (migration 0011).
BUCKET_FUNCTION = f"""CREATE OR REPLACE FUNCTION search_id_bucket(id integer) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(ARRAY['bk' || (id / {ID_BUCKET})])
$$"""

#: The pairs of adjacent stems of a text (``referr~pathway``), each as 5 hex digits of its md5.
#: Why hashed, and what makes no pair: docs/search.md#phrases-on-postgresql
PAIRS_FUNCTION = f"""CREATE OR REPLACE FUNCTION search_word_pairs(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH words AS (
    SELECT w.lexeme, p.position
    FROM unnest(to_tsvector('{CONFIG}'::regconfig, body)) AS w,
         unnest(w.positions) AS p(position)
  )
  SELECT coalesce(array_to_tsvector(array_agg(left(md5(a.lexeme || '~' || b.lexeme), 5))),
                  ''::tsvector)
  FROM words AS a JOIN words AS b ON b.position = a.position + 1
$$"""
PAIRS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_posts_search_pairs ON posts "
    f"USING gin (search_word_pairs(body_source), search_id_bucket(id)) {GIN_OPTIONS}"
)
#: Memory for building the pairs index (this transaction only): the default 64 MB would sort
#: its 22 million entries in many runs.
PAIRS_BUILD_MEMORY = "SET LOCAL maintenance_work_mem = '256MB'"

FACETS_FUNCTION = """CREATE OR REPLACE FUNCTION search_post_facets(
    author integer, created timestamp, thread integer) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT array_to_tsvector(
    ARRAY['au' || coalesce(author, 0), 'mo' || to_char(created, 'YYYYMM'),
          'ca' || t.category_id, 'so' || (t.solution_post_id IS NOT NULL)::int]
    || coalesce((SELECT array_agg('tg' || tag_id) FROM thread_tags WHERE thread_id = t.id),
                '{}'::text[]))
  FROM threads AS t WHERE t.id = thread
$$"""
POST_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION search_posts_set_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_facets := search_post_facets(NEW.author_id, NEW.created_at, NEW.thread_id);
  RETURN NEW;
END $$"""
THREAD_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION search_threads_refresh_facets()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed integer;
BEGIN
  IF TG_OP = 'DELETE' THEN changed := OLD.thread_id;
  ELSIF TG_TABLE_NAME = 'thread_tags' THEN changed := NEW.thread_id;
  ELSE changed := NEW.id;
  END IF;
  UPDATE posts SET search_facets = search_post_facets(author_id, created_at, thread_id)
  WHERE thread_id = changed;
  RETURN NULL;
END $$"""
_THREAD_CHANGED = (
    "OLD.category_id IS DISTINCT FROM NEW.category_id "
    "OR (OLD.solution_post_id IS NULL) <> (NEW.solution_post_id IS NULL)"
)
FACET_TRIGGERS = (
    ("search_posts_facets", "posts", "BEFORE INSERT OR UPDATE OF author_id, created_at, "
     "thread_id", "", "search_posts_set_facets"),
    ("search_threads_facets", "threads", "AFTER UPDATE OF category_id, solution_post_id",
     f"WHEN ({_THREAD_CHANGED})", "search_threads_refresh_facets"),
    ("search_thread_tags_facets", "thread_tags", "AFTER INSERT OR DELETE", "",
     "search_threads_refresh_facets"),
)  # fmt: skip


def _ddl(tbl: str, weight: str, col: str) -> list[str]:
    vector = f"setweight(to_tsvector('{CONFIG}'::regconfig, {col}), '{weight}')"
    columns = INDEX_COLUMNS.get(tbl, "search_vector")
    return [
        f"ALTER TABLE {tbl} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX IF NOT EXISTS ix_{tbl}_search_vector ON {tbl} USING gin ({columns}) "
        f"{GIN_OPTIONS}",
    ]


def _facets_ddl() -> list[str]:
    statements = [
        "ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_facets tsvector",
        BUCKET_FUNCTION,
        FACETS_FUNCTION,
        POST_TRIGGER_FUNCTION,
        THREAD_TRIGGER_FUNCTION,
    ]
    for trigger, tbl, timing, when, function in FACET_TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {tbl}")
        statements.append(
            f"CREATE TRIGGER {trigger} {timing} ON {tbl} FOR EACH ROW {when} "
            f"EXECUTE FUNCTION {function}()"
        )
    return statements


FILL_FACETS = (
    "UPDATE posts SET search_facets = search_post_facets(author_id, created_at, thread_id) "
    "WHERE search_facets IS NULL"
)


def install(connection: Connection) -> bool:
    """Create whatever is missing of the columns, triggers and indexes; True if anything was."""
    before = _objects(connection)
    missing_facets = "posts.search_facets" not in before
    if missing_facets:  # fill it before indexing it: much faster than updating the index
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_posts_search_vector")
    for statement in _facets_ddl():
        connection.exec_driver_sql(statement)
    if missing_facets:
        connection.exec_driver_sql(FILL_FACETS)
    for tbl, weight, col in INDEXES:
        for statement in _ddl(tbl, weight, col):
            connection.exec_driver_sql(statement)
    _pairs_ddl(connection)
    vocabulary.install(connection)
    return _objects(connection) != before


def _pairs_ddl(connection: Connection) -> None:
    connection.exec_driver_sql(PAIRS_FUNCTION)
    connection.exec_driver_sql(PAIRS_BUILD_MEMORY)
    connection.exec_driver_sql(PAIRS_INDEX)


def uninstall(connection: Connection) -> None:
    vocabulary.uninstall(connection)
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_posts_search_pairs")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS search_word_pairs(text)")
    for tbl, _weight, _col in INDEXES:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{tbl}_search_vector")
        connection.exec_driver_sql(f"ALTER TABLE {tbl} DROP COLUMN IF EXISTS search_vector")
    for trigger, tbl, _timing, _when, _function in FACET_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {tbl}")
    connection.exec_driver_sql("ALTER TABLE posts DROP COLUMN IF EXISTS search_facets")
    for function in ("search_posts_set_facets()", "search_threads_refresh_facets()"):
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
    signature = "search_post_facets(integer, timestamp, integer)"
    connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature}")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS search_id_bucket(integer)")


def _objects(connection: Connection) -> set[str]:
    rows = connection.execute(
        text(
            "SELECT table_name || '.' || column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND column_name IN ('search_vector', 'search_facets') "
            "UNION ALL SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() "
            "AND (indexname LIKE 'ix\\_%\\_search\\_vector' "
            "OR indexname = 'ix_posts_search_pairs') "
            "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search\\_%' "
            "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'search\\_%'"
        )
    )
    return {row[0] for row in rows}


def rebuild_work(connection: Connection) -> int:
    """Steps of ``rebuild``: the filter tokens, a column and an index per table, the pairs."""
    return 2 + 2 * len(INDEXES)


def rebuild(connection: Connection, progress: Callable[[int], None]) -> None:
    """Drop and recompute the columns and their indexes (the tables are locked meanwhile)."""
    uninstall(connection)
    for statement in _facets_ddl():
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(FILL_FACETS)
    progress(1)
    for tbl, weight, col in INDEXES:
        for statement in _ddl(tbl, weight, col):
            connection.exec_driver_sql(statement)
            progress(1)
    _pairs_ddl(connection)
    progress(1)
    for tbl, _weight, _col in INDEXES:
        connection.exec_driver_sql(f"ANALYZE {tbl}")
    vocabulary.install(connection)


def index_size(connection: Connection) -> int | None:
    """Bytes used by the GIN indexes (the pairs' included), the stored vectors and filter
    tokens (a full scan: for benchmarks)."""
    return connection.exec_driver_sql(
        "SELECT pg_relation_size('ix_posts_search_vector') "
        "+ pg_relation_size('ix_posts_search_pairs') "
        "+ pg_relation_size('ix_threads_search_vector') "
        "+ (SELECT coalesce(sum(pg_column_size(search_vector) "
        "+ coalesce(pg_column_size(search_facets), 0)), 0) FROM posts) "
        "+ (SELECT coalesce(sum(pg_column_size(search_vector)), 0) FROM threads)"
    ).scalar_one()
