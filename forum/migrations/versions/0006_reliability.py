"""reliability and speed: form tokens on posts, indexes for list queries

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-29 10:00:00

``posts.client_token`` makes a form sent twice create one post. The column is added with a
plain ADD COLUMN and the indexes with CREATE INDEX, so SQLite's batch mode never rebuilds
``posts`` (a rebuild would drop the search triggers other migrations attach to it).
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
#: The pinned-threads index needs the column 0004 (moderation) adds.
depends_on = ("0004",)


def upgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_token", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_posts_client_token", "posts", ["author_id", "client_token"], unique=True
    )
    # Speed (docs/benchmarks.md): the home page's pinned threads read an index, not every thread.
    op.create_index(
        "ix_threads_pinned_globally", "threads", ["is_pinned_globally", "last_post_at"]
    )


def downgrade():
    op.drop_index("ix_threads_pinned_globally", table_name="threads")
    op.drop_index("ix_posts_client_token", table_name="posts")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("client_token")
