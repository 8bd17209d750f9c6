"""categories from the browser: archiving, old slugs that redirect

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:30:00

``categories.archived_at`` marks an archived (read-only) category; ``category_slugs`` keeps
the addresses a category had before a rename, so ``/c/<old-slug>`` redirects to it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    op.create_table(
        "category_slugs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_slugs_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_slugs")),
        sa.UniqueConstraint("slug", name=op.f("uq_category_slugs_slug")),
    )
    op.create_index(
        op.f("ix_category_slugs_category_id"), "category_slugs", ["category_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_category_slugs_category_id"), table_name="category_slugs")
    op.drop_table("category_slugs")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("archived_at")
