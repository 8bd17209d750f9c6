"""answers: solutions, helpful marks, read markers, bookmarks, drafts, tags, case questions

Revision ID: 0005
Revises: 0001
Create Date: 2026-12-01 10:00:00

Columns are added to existing tables with plain ADD COLUMN (no constraint, string server
defaults), so SQLite's batch mode never rebuilds those tables and the triggers other
migrations attach to them survive.
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _alter_existing_tables():
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="question", nullable=False)
        )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("requires_case_template", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("reply_to_post_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("solution_count", sa.Integer(), server_default="0", nullable=False)
        )


def _create_tag_tables():
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("slug", name=op.f("uq_tags_slug")),
    )
    op.create_table(
        "thread_tags",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        _fk("thread_tags", "thread_id", "threads"),
        _fk("thread_tags", "tag_id", "tags"),
        sa.PrimaryKeyConstraint("thread_id", "tag_id", name=op.f("pk_thread_tags")),
    )
    op.create_index(op.f("ix_thread_tags_tag_id"), "thread_tags", ["tag_id"], unique=False)


def _create_reader_tables():
    op.create_table(
        "thread_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_read_post_number", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        _fk("thread_reads", "user_id", "users"),
        _fk("thread_reads", "thread_id", "threads"),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_thread_reads")),
    )
    op.create_index(op.f("ix_thread_reads_thread_id"), "thread_reads", ["thread_id"], unique=False)
    op.create_table(
        "helpful_marks",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("helpful_marks", "post_id", "posts"),
        _fk("helpful_marks", "user_id", "users"),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f("pk_helpful_marks")),
    )
    op.create_index(op.f("ix_helpful_marks_user_id"), "helpful_marks", ["user_id"], unique=False)
    op.create_table(
        "bookmarks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("bookmarks", "user_id", "users"),
        _fk("bookmarks", "post_id", "posts"),
        sa.PrimaryKeyConstraint("user_id", "post_id", name=op.f("pk_bookmarks")),
    )
    op.create_index(op.f("ix_bookmarks_post_id"), "bookmarks", ["post_id"], unique=False)
    op.create_index(op.f("ix_bookmarks_created_at"), "bookmarks", ["created_at"], unique=False)


def _create_drafts():
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("drafts", "user_id", "users"),
        _fk("drafts", "thread_id", "threads"),
        _fk("drafts", "category_id", "categories"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_drafts_user_id")),
    )
    op.create_index(op.f("ix_drafts_thread_id"), "drafts", ["thread_id"], unique=False)
    op.create_index(op.f("ix_drafts_category_id"), "drafts", ["category_id"], unique=False)


def upgrade():
    _alter_existing_tables()
    _create_tag_tables()
    _create_reader_tables()
    _create_drafts()


def downgrade():
    op.drop_table("drafts")
    op.drop_table("bookmarks")
    op.drop_table("helpful_marks")
    op.drop_table("thread_reads")
    op.drop_table("thread_tags")
    op.drop_table("tags")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("solution_count")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("reply_to_post_id")
        batch_op.drop_column("helpful_count")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("requires_case_template")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("kind")
