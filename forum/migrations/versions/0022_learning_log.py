"""the learning log: private CPD entries, the GMC number, the appraisal year's settings

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 18:40:00

Columns are added with ADD COLUMN and a server default, so SQLite never rebuilds ``users`` or
``site_settings``. ``ix_resources_created_by`` lets the contributions summary count a
member's resources without reading the library whole.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "learning_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("learned_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("practice_change", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_entries")),
    )
    op.create_index("ix_learning_entries_user_date", "learning_entries", ["user_id", "learned_on"])
    op.create_index("ix_resources_created_by", "resources", ["created_by_id"])
    op.add_column(
        "users",
        sa.Column("gmc_number", sa.String(length=7), server_default="", nullable=False),
    )
    op.add_column(
        "site_settings",
        sa.Column("appraisal_year_start_month", sa.Integer(), server_default="4", nullable=False),
    )
    op.add_column(
        "site_settings",
        sa.Column("learning_credits_per_hour", sa.Float(), server_default="1", nullable=False),
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and later): batch mode would rebuild the tables.
    op.drop_column("site_settings", "learning_credits_per_hour")
    op.drop_column("site_settings", "appraisal_year_start_month")
    op.drop_column("users", "gmc_number")
    op.drop_index("ix_resources_created_by", table_name="resources")
    op.drop_index("ix_learning_entries_user_date", table_name="learning_entries")
    op.drop_table("learning_entries")
