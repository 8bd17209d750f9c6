"""attachments and the resource library: stored files, attachments, resources, versions, and
the full-text index of the text inside files

Revision ID: 0007
Revises: 0001
Create Date: 2026-12-03 10:00:00

The text index (FTS5 table and triggers on SQLite; a generated tsvector column and GIN index
on PostgreSQL) is the database's own machinery, like the one migration 0002 adds for posts:
forum/search/sqlite_schema.py and forum/search/postgres_schema.py list it too, so
``flask --app wsgi forum rebuild-search`` repairs it.
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"


def _fk(table, column, target, ondelete=None):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _create_file_tables():
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("extracted_text", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_stored_files_sha256")),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("alt_text", sa.String(length=500), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=True),
        _fk("attachments", "file_id", "stored_files"),
        _fk("attachments", "uploader_id", "users", "SET NULL"),
        _fk("attachments", "post_id", "posts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    for column in ("file_id", "uploader_id", "post_id"):
        op.create_index(op.f(f"ix_attachments_{column}"), "attachments", [column], unique=False)


def _create_library_tables():
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("licence", sa.String(length=24), nullable=False),
        sa.Column("licence_note", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("last_reviewed_by_name", sa.String(length=80), nullable=False),
        _fk("resources", "thread_id", "threads", "CASCADE"),
        _fk("resources", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_resources_thread_id")),
    )
    op.create_index("ix_resources_review_by", "resources", ["review_by"], unique=False)
    op.create_index(op.f("ix_resources_kind"), "resources", ["kind"], unique=False)
    op.create_index(op.f("ix_resources_licence"), "resources", ["licence"], unique=False)
    op.create_table(
        "resource_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("link_url", sa.String(length=2000), nullable=True),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("attested_no_pii", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("resource_versions", "resource_id", "resources", "CASCADE"),
        _fk("resource_versions", "attachment_id", "attachments"),
        _fk("resource_versions", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_versions")),
        sa.UniqueConstraint(
            "resource_id", "number", name=op.f("uq_resource_versions_resource_id")
        ),
    )
    op.create_index(
        op.f("ix_resource_versions_attachment_id"),
        "resource_versions",
        ["attachment_id"],
        unique=False,
    )


def _sqlite_text_index():
    new = "INSERT INTO search_files(rowid, extracted_text) VALUES (new.id, new.extracted_text);"
    old = (
        "INSERT INTO search_files(search_files, rowid, extracted_text) "
        "VALUES ('delete', old.id, old.extracted_text);"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_files USING fts5(extracted_text, content='stored_files', "
        f"content_rowid='id', tokenize='{TOKENIZE}', prefix='3')"
    )
    op.execute(f"CREATE TRIGGER search_files_insert AFTER INSERT ON stored_files BEGIN {new} END")
    op.execute(f"CREATE TRIGGER search_files_delete AFTER DELETE ON stored_files BEGIN {old} END")
    op.execute(
        "CREATE TRIGGER search_files_update AFTER UPDATE OF extracted_text ON stored_files "
        f"BEGIN {old} {new} END"
    )


def _postgres_text_index():
    op.execute(
        "ALTER TABLE stored_files ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('english'::regconfig, extracted_text), 'D')) STORED"
    )
    op.execute(
        "CREATE INDEX ix_stored_files_search_vector ON stored_files USING gin (search_vector)"
    )


def upgrade():
    _create_file_tables()
    _create_library_tables()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_text_index()
    elif dialect == "postgresql":
        _postgres_text_index()


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_files_{suffix}")
        op.execute("DROP TABLE IF EXISTS search_files")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_stored_files_search_vector")
    op.drop_table("resource_versions")
    op.drop_table("resources")
    op.drop_table("attachments")
    op.drop_table("stored_files")
