"""PostgreSQL: generated, weighted tsvector columns with GIN indexes; websearch_to_tsquery,
ts_rank and ts_headline.

``posts.search_vector`` (weight D) and ``threads.search_vector`` (weight A, so a title
match ranks well above a body match) are ``GENERATED ALWAYS ... STORED``: the database
recomputes them on every insert and edit, so nothing can forget to.

``posts.search_facets`` holds each post's filter tokens (``facets.py``) as a tsvector of
exact lexemes. A generated column cannot read the thread, so triggers keep it: on posts
before every insert and every change of author, date or thread, on threads after a move or
a change of accepted answer, and on thread tags. One GIN index covers both columns, so a
search for common words with a filter that keeps few posts intersects posting lists inside
the index (GIN skips through the long lists using the short ones). Hiding and deleting
change no indexed value: visibility is joined at query time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from forum.models import Category, Post, Thread, utcnow
from forum.search import ranking
from forum.search.facets import Facets
from forum.search.highlight import START, STOP
from forum.search.query import SearchQuery

name = "postgresql"

CONFIG = "english"
#: Longest stretch of a post that ts_headline reads: it re-parses the text, and a 60,000
#: character post would cost more than the whole search. Matches beyond it show no snippet.
HEADLINE_SOURCE_CHARS = 20_000
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=32, MinWords=12, ShortWord=2"
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

#: Most posts walked newest first before the GIN index answers instead, fewest walked, and
#: how many times the rows the estimate says hold the window a plan looks at.
MAX_WALK = 40_000
MIN_WALK = 2_000
WALK_MARGIN = 4
#: How far the planner may underestimate a phrase (70 times for "two week wait" in the
#: benchmark: the words are counted as independent, and they are not).
PHRASE_DOUBT = 100

#: (table, weight, indexed column) for each generated column.
INDEXES = (
    ("posts", "D", "body_source"),
    ("threads", "A", "title"),
    # The text inside attached files (migration 0007, forum/search/files.py).
    ("stored_files", "D", "extracted_text"),
)
#: Columns of each table's GIN index (posts: text and filter tokens).
INDEX_COLUMNS = {"posts": "search_vector, search_facets"}

_REGCONFIG = literal_column(f"'{CONFIG}'::regconfig")
_post_vector = literal_column("posts.search_vector", TSVECTOR)
_post_facets = literal_column("posts.search_facets", TSVECTOR)
_thread_vector = literal_column("threads.search_vector", TSVECTOR)

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
        f"CREATE INDEX IF NOT EXISTS ix_{tbl}_search_vector ON {tbl} USING gin ({columns})",
    ]


def _facets_ddl() -> list[str]:
    statements = [
        "ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_facets tsvector",
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
    return _objects(connection) != before


def uninstall(connection: Connection) -> None:
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


def _objects(connection: Connection) -> set[str]:
    rows = connection.execute(
        text(
            "SELECT table_name || '.' || column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND column_name IN ('search_vector', 'search_facets') "
            "UNION ALL SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() AND indexname LIKE 'ix\\_%\\_search\\_vector' "
            "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search\\_%' "
            "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'search\\_%'"
        )
    )
    return {row[0] for row in rows}


def rebuild_work(connection: Connection) -> int:
    """Steps of ``rebuild``: the filter tokens, then a column and an index per table."""
    return 1 + 2 * len(INDEXES)


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
    for tbl, _weight, _col in INDEXES:
        connection.exec_driver_sql(f"ANALYZE {tbl}")


def index_size(connection: Connection) -> int | None:
    """Bytes used by the GIN indexes, the stored vectors and filter tokens (a full scan: for
    benchmarks)."""
    return connection.exec_driver_sql(
        "SELECT pg_relation_size('ix_posts_search_vector') "
        "+ pg_relation_size('ix_threads_search_vector') "
        "+ (SELECT coalesce(sum(pg_column_size(search_vector) "
        "+ coalesce(pg_column_size(search_facets), 0)), 0) FROM posts) "
        "+ (SELECT coalesce(sum(pg_column_size(search_vector)), 0) FROM threads)"
    ).scalar_one()


# Querying ------------------------------------------------------------------------------------


def websearch_text(query: SearchQuery) -> str:
    """Words, phrases and exclusions for ``websearch_to_tsquery``, each quoted so that words
    such as "or" are never read as operators."""
    return " ".join(
        ("-" if t.negated else "") + f'"{t.text}"' for t in query.terms if t.kind != "prefix"
    )


def prefix_text(query: SearchQuery) -> str:
    """Prefix terms for ``to_tsquery`` (terms hold only letters and digits: no syntax)."""
    return " & ".join(
        ("!" if t.negated else "") + f"'{t.text}':*" for t in query.terms if t.kind == "prefix"
    )


def tsquery(query: SearchQuery) -> ColumnElement[Any]:
    parts = []
    if websearch_text(query):
        parts.append(func.websearch_to_tsquery(_REGCONFIG, bindparam("ts_words")))
    if prefix_text(query):
        parts.append(func.to_tsquery(_REGCONFIG, bindparam("ts_prefixes")))
    return reduce(lambda left, right: left.op("&&")(right), parts)


def loose_text(query: SearchQuery) -> str:
    """Every word of the words and phrases the text must contain, for ``websearch_to_tsquery``
    (each quoted alone, so a phrase becomes its words in any order: what the GIN index can
    answer without reading the posts)."""
    words = [w for t in query.positive if t.kind != "prefix" for w in t.text.split()]
    return " ".join(f'"{word}"' for word in words)


def parameters(query: SearchQuery, facets: Facets | None = None) -> dict[str, Any]:
    """Bind values the candidate selects need."""
    return {
        "ts_words": websearch_text(query),
        "ts_prefixes": prefix_text(query),
        "ts_loose": loose_text(query),
        "ts_facets": (facets or Facets()).tsquery(),
    }


def posts_match(query: SearchQuery, facets: Facets, *, indexed: bool = True) -> ColumnElement[bool]:
    """The text matches and the post carries the filter tokens (one GIN index has both).

    ``indexed=False`` writes the same test as a function call, which the planner cannot
    answer from the GIN index: for walking a range of posts in id order."""
    pairs = []
    if query.has_text:
        pairs.append((_post_vector, tsquery(query)))
    if facets:
        pairs.append((_post_facets, _facets_tsquery()))
    tests = [
        vector.op("@@")(tsq) if indexed else func.ts_match_vq(vector, tsq) for vector, tsq in pairs
    ]
    return reduce(lambda left, right: left & right, tests)


def _facets_tsquery() -> ColumnElement[Any]:
    return cast(bindparam("ts_facets"), TSQUERY)


def _facets_match() -> ColumnElement[bool]:
    return _post_facets.op("@@")(_facets_tsquery())


def body_candidates(
    connection: Connection, query: SearchQuery, facets: Facets, where: list[Any], window: int
) -> Select[Any]:
    """The newest ``window`` posts that match the text and carry the filter tokens, and pass
    ``where``, with their relevance.

    Each plan reads a bounded number of rows; ``_plans`` picks them from the planner's
    estimate of how many posts match, and the first that finds the window's worth answers
    (the last, the GIN index over every post, always does). Left to itself the planner picks
    between walking the table and the index on a guess about how matches spread over a
    LIMIT, and a wrong guess walks the whole table.

    Only the chosen window is ranked: ``ts_rank`` reads a post's whole vector, so ranking
    every match of a broad search would cost more than finding them.
    """
    params = parameters(query, facets)
    match = posts_match(query, facets)
    exact = posts_match(query, facets, indexed=False)
    loose = func.websearch_to_tsquery(_REGCONFIG, bindparam("ts_loose"))
    ranged = {
        "walk": [exact],
        "range": [match],
        "loose": [_post_vector.op("@@")(loose), *([_facets_match()] if facets else []), exact],
    }
    ids: list[int] = []
    for bound, kind in _plans(connection, query, match, params, window):
        if bound is None:
            ids = _newest_ids(connection, [match], where, window, params, materialise=True)
            break
        on_posts = [Post.id > bound, *ranged[kind]]
        walked = kind == "walk"
        ids = _newest_ids(connection, on_posts, where, window, params, materialise=not walked)
        if len(ids) >= window:
            break
    relevance = func.ts_rank(_post_vector, tsquery(query), 1) if query.has_text else literal(1.0)
    return (  # ``where`` again: cheap on the window, and visibility never rests on one query
        select(*ranking.candidate_columns(relevance, title=False))
        .select_from(ranking.posts_with_threads())
        .where(Post.id.in_(ids), *where)
    )


def _plans(
    connection: Connection,
    query: SearchQuery,
    match: ColumnElement[bool],
    params: dict[str, Any],
    window: int,
) -> list[tuple[int | None, str]]:
    """The plans to try in turn, as (lowest post id to look at, how).

    From the estimate, ``needed`` is how many of the newest posts hold the window's worth,
    and the first plan looks at ``WALK_MARGIN`` times that many (at most ``MAX_WALK`` when it
    walks):

    - ``walk``: read the newest posts in id order, stopping when the window is full, when the
      range is at most ``MAX_WALK`` posts;
    - ``loose``, for a search with a phrase: the GIN index finds the posts in the range that
      have all the words (the planner combines it with the primary key's range), and only
      those are read to check the words are side by side. PostgreSQL counts a phrase's words
      as independent, so it underestimates common phrases ("two week wait", 70 times in the
      benchmark); the range allows for ``PHRASE_DOUBT`` times that;
    - ``range``: the GIN index, limited to the range of the newest posts;
    - and last, or first when the range would be most of the table or a ``before:`` date in
      the past leaves the newest posts out, the GIN index over every post (None).
    """
    if query.before is not None and query.before < utcnow().date():
        return [(None, "all")]
    newest, total = connection.execute(
        text(
            "SELECT (SELECT max(id) FROM posts), "
            "(SELECT reltuples FROM pg_class WHERE oid = 'posts'::regclass)"
        )
    ).one()
    if newest is None:
        return [(None, "all")]
    estimate = max(_estimated_matches(connection, match, params), 1.0)
    needed = window * max(total, 1) / estimate
    span = max(MIN_WALK, int(WALK_MARGIN * needed))
    plans: list[tuple[int | None, str]] = []
    if any(term.kind == "phrase" for term in query.positive):
        if span / PHRASE_DOUBT <= MAX_WALK:
            plans.append((newest - min(span, MAX_WALK), "loose"))
    elif span <= MAX_WALK:
        plans.append((newest - span, "walk"))
    elif span < newest // 2:
        plans.append((newest - span, "range"))
    return [*plans, (None, "all")]


def _newest_ids(
    connection: Connection,
    on_posts: list[Any],
    where: list[Any],
    window: int,
    params: dict[str, Any],
    *,
    materialise: bool,
) -> list[int]:
    """Ids of the newest ``window`` posts that meet ``on_posts`` (conditions on ``posts``
    alone: the match, an id range) and ``where`` (visibility and filters).

    A walk reads posts newest first and stops when the window is full. With ``materialise``
    the index finds every match first (on ``posts`` alone, with no ORDER BY or LIMIT that
    would tempt the planner into walking the table), then the matches are taken newest first
    until the window's worth pass ``where`` (a subquery's order holds through the filter and
    LIMIT above it; OFFSET 0 keeps the planner from merging the two).

    ``where`` is checked one post at a time (in a subquery the planner keeps as it is):
    joined, its thread filters, which repeat what the filter tokens already said, make the
    planner expect hardly any post to pass, and it then picks nested loops that scan the
    index once per thread.
    """
    if not materialise:
        statement = (
            select(Post.id)
            .where(*on_posts, _passes(where, correlated=True))
            .order_by(Post.id.desc())
            .limit(window)
        )
        return list(connection.execute(statement, params).scalars())
    found = select(Post.id.label("id")).where(*on_posts).cte("found").prefix_with("MATERIALIZED")
    ordered = select(found.c.id).order_by(found.c.id.desc()).offset(0).subquery("ordered")
    statement = (
        select(ordered.c.id)
        .where(_passes([Post.id == ordered.c.id, *where], correlated=False))
        .limit(window)
    )
    return list(connection.execute(statement, params).scalars())


def _passes(where: list[Any], *, correlated: bool) -> Any:
    """EXISTS: the post passes ``where``. ``correlated``: the post is the enclosing query's
    ``posts`` row; otherwise the subquery reads it itself (``where`` then says which)."""
    if correlated:
        source: Any = Thread.__table__.join(Category, Category.id == Thread.category_id)
    else:
        source = ranking.posts_with_threads()
    check = select(literal(1)).select_from(source).where(Thread.id == Post.thread_id, *where)
    return exists(check.offset(0))


def _estimated_matches(
    connection: Connection, match: ColumnElement[bool], params: dict[str, Any]
) -> float:
    """The planner's estimate of how many posts match (from ANALYZE statistics)."""
    probe = select(literal(1)).select_from(Post).where(match)
    compiled = probe.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + str(compiled), {**compiled.params, **params}
    ).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def title_candidates(
    connection: Connection, query: SearchQuery, where: list[Any], window: int
) -> Select[Any]:
    """The newest ``window`` threads whose title matches and that pass ``where``, from the
    GIN index: there are twenty times fewer threads than posts, so even a title word in
    thousands of threads costs a few milliseconds, and asking the planner first would cost a
    round trip for every search."""
    q = tsquery(query)
    found = select(Thread.id.label("id")).where(_thread_vector.op("@@")(q)).cte("title_matches")
    found = found.prefix_with("MATERIALIZED")
    return (
        select(*ranking.candidate_columns(func.ts_rank(_thread_vector, q), title=True))
        .select_from(ranking.joined_opening_posts(found, Thread.id == found.c.id))
        .where(*where)
        .order_by(Thread.id.desc())
        .limit(window)
    )


def snippets(connection: Connection, query: SearchQuery, post_ids: Iterable[int]) -> dict[int, str]:
    """Marked-up excerpts of the posts, by post id (the start of the post if nothing in it
    matches)."""
    ids = sorted(set(post_ids))
    if not ids or not query.has_text:
        return {}
    source = func.left(Post.body_source, HEADLINE_SOURCE_CHARS)
    headline = func.ts_headline(_REGCONFIG, source, tsquery(query), HEADLINE_OPTIONS)
    rows = connection.execute(select(Post.id, headline).where(Post.id.in_(ids)), parameters(query))
    return {row[0]: row[1] for row in rows if START in row[1]}


def titles(connection: Connection, query: SearchQuery, thread_ids: Iterable[int]) -> dict[int, str]:
    """Thread titles with every match marked, for threads whose title matches."""
    ids = sorted(set(thread_ids))
    if not ids or not query.has_text:
        return {}
    headline = func.ts_headline(_REGCONFIG, Thread.title, tsquery(query), TITLE_OPTIONS)
    rows = connection.execute(
        select(Thread.id, headline).where(Thread.id.in_(ids)), parameters(query)
    )
    return {row[0]: row[1] for row in rows}
