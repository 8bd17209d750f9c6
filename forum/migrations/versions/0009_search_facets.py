"""search filter tokens: each post's author, month, category, solved state and tags indexed
beside its words, so filtered searches intersect posting lists

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 14:00:00

SQLite: ``search_posts`` becomes a two-column FTS5 table (``body_source``, ``facets``) whose
content is the view ``search_post_documents`` (posts joined to ``search_post_facets``, which
holds the tokens); triggers on posts, threads and thread_tags keep it exact.
PostgreSQL: ``posts.search_facets`` (a tsvector of exact lexemes, kept by triggers) and one GIN
index on ``(search_vector, search_facets)``. See forum/search/facets.py; forum/search/sqlite_schema.py
and forum/search/postgres_schema.py hold the same DDL for repairs (``forum rebuild-search``).
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
POSTS, FACETS, DOCUMENTS = "search_posts", "search_post_facets", "search_post_documents"


def _facets_sql(post, thread):
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
    f"INSERT INTO {FACETS}(post_id, facets) SELECT new.id, {_facets_sql('new', 't')} "
    f"FROM threads AS t WHERE t.id = new.thread_id; "
    f"INSERT INTO {POSTS}(rowid, body_source, facets) "
    f"SELECT new.id, new.body_source, facets FROM {FACETS} WHERE post_id = new.id;"
)


def _reindex_thread(thread_id):
    documents = (
        f"FROM posts AS p JOIN {FACETS} AS f ON f.post_id = p.id WHERE p.thread_id = {thread_id}"
    )
    return (
        f"INSERT INTO {POSTS}({POSTS}, rowid, body_source, facets) "
        f"SELECT 'delete', p.id, p.body_source, f.facets {documents}; "
        f"UPDATE {FACETS} SET facets = (SELECT {_facets_sql('p', 't')} FROM posts AS p "
        f"JOIN threads AS t ON t.id = p.thread_id WHERE p.id = {FACETS}.post_id) "
        f"WHERE post_id IN (SELECT id FROM posts WHERE thread_id = {thread_id}); "
        f"INSERT INTO {POSTS}(rowid, body_source, facets) "
        f"SELECT p.id, p.body_source, f.facets {documents};"
    )


def _sqlite_upgrade():
    for suffix in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {POSTS}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {POSTS}")
    thread_changed = (
        "old.category_id IS NOT new.category_id "
        "OR (old.solution_post_id IS NULL) IS NOT (new.solution_post_id IS NULL)"
    )
    statements = [
        f"CREATE TABLE IF NOT EXISTS {FACETS} (post_id INTEGER PRIMARY KEY, facets TEXT)",
        f"CREATE VIEW IF NOT EXISTS {DOCUMENTS} AS SELECT p.id AS id, "
        f"p.body_source AS body_source, f.facets AS facets "
        f"FROM posts AS p JOIN {FACETS} AS f ON f.post_id = p.id",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {POSTS} USING fts5(body_source, facets, "
        f"content='{DOCUMENTS}', content_rowid='id', tokenize='{TOKENIZE}', "
        f"prefix='3 4 5 6')",
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
    for statement in statements:
        op.execute(statement)
    op.execute(
        f"INSERT INTO {FACETS}(post_id, facets) SELECT p.id, {_facets_sql('p', 't')} "
        "FROM posts AS p JOIN threads AS t ON t.id = p.thread_id"
    )
    op.execute(f"INSERT INTO {POSTS}({POSTS}) VALUES ('rebuild')")


def _sqlite_downgrade():
    for suffix in ("insert", "delete", "update", "thread_update", "tag_insert", "tag_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {POSTS}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {POSTS}")
    op.execute(f"DROP VIEW IF EXISTS {DOCUMENTS}")
    op.execute(f"DROP TABLE IF EXISTS {FACETS}")
    new = "INSERT INTO search_posts(rowid, body_source) VALUES (new.id, new.body_source);"
    old = (
        "INSERT INTO search_posts(search_posts, rowid, body_source) "
        "VALUES ('delete', old.id, old.body_source);"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_posts USING fts5(body_source, content='posts', "
        f"content_rowid='id', tokenize='{TOKENIZE}', prefix='3 4 5 6')"
    )
    op.execute(f"CREATE TRIGGER search_posts_insert AFTER INSERT ON posts BEGIN {new} END")
    op.execute(f"CREATE TRIGGER search_posts_delete AFTER DELETE ON posts BEGIN {old} END")
    op.execute(
        "CREATE TRIGGER search_posts_update AFTER UPDATE OF body_source ON posts "
        f"BEGIN {old} {new} END"
    )
    op.execute("INSERT INTO search_posts(search_posts) VALUES ('rebuild')")


PG_FACETS_FUNCTION = """CREATE OR REPLACE FUNCTION search_post_facets(
    author integer, created timestamp, thread integer) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT array_to_tsvector(
    ARRAY['au' || coalesce(author, 0), 'mo' || to_char(created, 'YYYYMM'),
          'ca' || t.category_id, 'so' || (t.solution_post_id IS NOT NULL)::int]
    || coalesce((SELECT array_agg('tg' || tag_id) FROM thread_tags WHERE thread_id = t.id),
                '{}'::text[]))
  FROM threads AS t WHERE t.id = thread
$$"""
PG_POST_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION search_posts_set_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_facets := search_post_facets(NEW.author_id, NEW.created_at, NEW.thread_id);
  RETURN NEW;
END $$"""
PG_THREAD_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION search_threads_refresh_facets()
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
PG_THREAD_CHANGED = (
    "OLD.category_id IS DISTINCT FROM NEW.category_id "
    "OR (OLD.solution_post_id IS NULL) <> (NEW.solution_post_id IS NULL)"
)
PG_TRIGGERS = (
    (
        "search_posts_facets",
        "posts",
        "BEFORE INSERT OR UPDATE OF author_id, created_at, thread_id",
        "",
        "search_posts_set_facets",
    ),
    (
        "search_threads_facets",
        "threads",
        "AFTER UPDATE OF category_id, solution_post_id",
        f"WHEN ({PG_THREAD_CHANGED})",
        "search_threads_refresh_facets",
    ),
    (
        "search_thread_tags_facets",
        "thread_tags",
        "AFTER INSERT OR DELETE",
        "",
        "search_threads_refresh_facets",
    ),
)


def _postgres_upgrade():
    # Without the index first: filling the column rewrites every post, and updating a GIN
    # index row by row would take far longer than building it once afterwards.
    op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
    op.execute("ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_facets tsvector")
    for statement in (PG_FACETS_FUNCTION, PG_POST_TRIGGER_FUNCTION, PG_THREAD_TRIGGER_FUNCTION):
        op.execute(statement)
    for trigger, table, timing, when, function in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(
            f"CREATE TRIGGER {trigger} {timing} ON {table} FOR EACH ROW {when} "
            f"EXECUTE FUNCTION {function}()"
        )
    op.execute(
        "UPDATE posts SET search_facets = search_post_facets(author_id, created_at, thread_id) "
        "WHERE search_facets IS NULL"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_posts_search_vector ON posts "
        "USING gin (search_vector, search_facets)"
    )


def _postgres_downgrade():
    op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
    for trigger, table, _timing, _when, _function in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    op.execute("ALTER TABLE posts DROP COLUMN IF EXISTS search_facets")
    op.execute("DROP FUNCTION IF EXISTS search_posts_set_facets()")
    op.execute("DROP FUNCTION IF EXISTS search_threads_refresh_facets()")
    op.execute("DROP FUNCTION IF EXISTS search_post_facets(integer, timestamp, integer)")
    op.execute("CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgres_upgrade()
    else:
        raise NotImplementedError(f"full-text search is not available on {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_downgrade()
    elif dialect == "postgresql":
        _postgres_downgrade()
