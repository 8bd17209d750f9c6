"""search word pairs: an index of adjacent stems, so a phrase of common words that are rarely
side by side reads only the posts that have them side by side

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 16:00:00

PostgreSQL only:

- ``search_word_pairs(text)``: the pairs of adjacent stems of a text (``referr~pathway``), from
  the same ``to_tsvector('english', ...)`` as ``posts.search_vector``, each kept as 5 hex
  digits of its md5; and a GIN expression index on it, ``ix_posts_search_pairs``, which keeps
  itself in step with every insert and edit of ``body_source`` (no column is stored);
- ``search_id_bucket(id)``: each post's id bucket (8,192 ids each), as a third column of the
  posts' GIN index, so "among the newest posts" is answered inside the index with the words.

See forum/search/postgres_schema.py (the same DDL, for ``forum rebuild-search``) and
docs/search.md. SQLite's FTS5 index already stores positions and is in newest-first order:
nothing changes there.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PAIRS_FUNCTION = """CREATE OR REPLACE FUNCTION search_word_pairs(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH words AS (
    SELECT w.lexeme, p.position
    FROM unnest(to_tsvector('english'::regconfig, body)) AS w,
         unnest(w.positions) AS p(position)
  )
  SELECT coalesce(array_to_tsvector(array_agg(left(md5(a.lexeme || '~' || b.lexeme), 5))),
                  ''::tsvector)
  FROM words AS a JOIN words AS b ON b.position = a.position + 1
$$"""


BUCKET_FUNCTION = """CREATE OR REPLACE FUNCTION search_id_bucket(id integer) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(ARRAY['bk' || (id / 8192)])
$$"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BUCKET_FUNCTION)
    op.execute(PAIRS_FUNCTION)
    # One sort of every pair in memory rather than many merges on disk (this session only).
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_posts_search_pairs ON posts "
        "USING gin (search_word_pairs(body_source), search_id_bucket(id))"
    )
    # The posts' GIN index gains the id buckets: built beside the old one, which is dropped
    # only at the very end. The whole migration is one transaction, and a dropped index makes
    # every read of posts wait until it commits; building only makes writes wait.
    op.execute(
        "CREATE INDEX ix_posts_search_vector_new ON posts "
        "USING gin (search_vector, search_facets, search_id_bucket(id))"
    )
    op.execute("ANALYZE posts")
    op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
    op.execute("ALTER INDEX ix_posts_search_vector_new RENAME TO ix_posts_search_vector")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_posts_search_pairs")
    op.execute("DROP FUNCTION IF EXISTS search_word_pairs(text)")
    op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
    op.execute(
        "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector, search_facets)"
    )
    op.execute("DROP FUNCTION IF EXISTS search_id_bucket(integer)")
