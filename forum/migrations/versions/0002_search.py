"""full-text search: FTS5 indexes and triggers (SQLite), generated tsvector columns and GIN
indexes (PostgreSQL)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00

The search objects are not in the models: they are the database's own machinery for keeping
the index in step with posts and threads. forum/search/ holds the same DDL for repairs
(``flask --app wsgi forum rebuild-search``).

SQLite drops a table's triggers with the table: a later migration that makes batch mode
recreate ``posts`` or ``threads`` must run ``forum rebuild-search`` (or recreate the
triggers below) afterwards. tests/test_search_schema.py checks they exist at the head.
"""
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"

# (FTS5 index, content table, indexed column)
SQLITE_INDEXES = (("search_posts", "posts", "body_source"), ("search_threads", "threads", "title"))

# (table, tsvector weight, indexed column)
POSTGRES_INDEXES = (("posts", "D", "body_source"), ("threads", "A", "title"))


def _sqlite_upgrade():
    for index, content, col in SQLITE_INDEXES:
        new = f"INSERT INTO {index}(rowid, {col}) VALUES (new.id, new.{col});"
        old = f"INSERT INTO {index}({index}, rowid, {col}) VALUES ('delete', old.id, old.{col});"
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({col}, content='{content}', "
            f"content_rowid='id', tokenize='{TOKENIZE}', prefix='3 4 5 6')"
        )
        op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {content} BEGIN {new} END")
        op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {content} BEGIN {old} END")
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {col} ON {content} "
            f"BEGIN {old} {new} END"
        )
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def _sqlite_downgrade():
    for index, _content, _col in SQLITE_INDEXES:
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {index}")


def _postgres_upgrade():
    for table, weight, col in POSTGRES_INDEXES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            f"(setweight(to_tsvector('english'::regconfig, {col}), '{weight}')) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def _postgres_downgrade():
    for table, _weight, _col in POSTGRES_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


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
