"""programme insight: rollups for the dashboards, and groups of Cancer Alliance leads

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 18:30:00

New tables, and columns added with ADD COLUMN and a server default (no table is rebuilt).
The rollups start empty: ``flask --app wsgi forum rebuild-insight`` fills them from the posts,
threads and members already there (docs/insight.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "insight_questions",
        sa.Column("thread_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("alliance", sa.String(length=80), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_reply_at", sa.DateTime(), nullable=True),
        sa.Column("reply_minutes", sa.Integer(), nullable=True),
        sa.Column("solved_at", sa.DateTime(), nullable=True),
        sa.Column("solution_minutes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_insight_questions")),
    )
    op.create_index(
        "ix_insight_questions_asked",
        "insight_questions",
        ["asked_at", "kind", "alliance", "category_id", "reply_minutes", "solution_minutes"],
    )
    op.create_index(
        "ix_insight_questions_unanswered", "insight_questions", ["first_reply_at", "asked_at"]
    )
    op.create_table(
        "insight_activity",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("day", "user_id", name=op.f("pk_insight_activity")),
    )
    op.create_index("ix_insight_activity_member", "insight_activity", ["user_id", "day"])
    op.create_table(
        "insight_downloads",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("resource_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("alliance", sa.String(length=80), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "resource_id", "alliance", name=op.f("pk_insight_downloads")
        ),
    )
    op.add_column(
        "groups", sa.Column("leads_alliance", sa.Boolean(), server_default="0", nullable=False)
    )
    op.add_column(
        "users", sa.Column("leads_alliance", sa.Boolean(), server_default="0", nullable=False)
    )
    op.create_index(op.f("ix_users_created_at"), "users", ["created_at"])
    op.create_index(op.f("ix_post_citations_created_at"), "post_citations", ["created_at"])


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and later): neither column is in a trigger.
    op.drop_index(op.f("ix_post_citations_created_at"), table_name="post_citations")
    op.drop_index(op.f("ix_users_created_at"), table_name="users")
    op.drop_column("users", "leads_alliance")
    op.drop_column("groups", "leads_alliance")
    op.drop_table("insight_downloads")
    op.drop_index("ix_insight_activity_member", table_name="insight_activity")
    op.drop_table("insight_activity")
    op.drop_index("ix_insight_questions_unanswered", table_name="insight_questions")
    op.drop_index("ix_insight_questions_asked", table_name="insight_questions")
    op.drop_table("insight_questions")
