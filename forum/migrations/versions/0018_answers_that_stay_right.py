"""answers that stay right: the guideline register, citations, reviews and verification

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:44:21

Columns are added to existing tables with ADD COLUMN (nullable, or with a server default), so
SQLite's batch mode never rebuilds those tables and the triggers on them survive.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guidelines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("publisher", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidelines")),
        sa.UniqueConstraint("code", name=op.f("uq_guidelines_code")),
    )
    op.create_table(
        "guideline_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guideline_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["guideline_id"],
            ["guidelines.id"],
            name=op.f("fk_guideline_versions_guideline_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_versions")),
        sa.UniqueConstraint(
            "guideline_id", "sequence", name=op.f("uq_guideline_versions_guideline_id")
        ),
    )
    op.create_table(
        "guideline_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("guideline_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["guideline_id"],
            ["guidelines.id"],
            name=op.f("fk_guideline_recommendations_guideline_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["guideline_versions.id"],
            name=op.f("fk_guideline_recommendations_version_id_guideline_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_recommendations")),
        sa.UniqueConstraint(
            "version_id", "number", name=op.f("uq_guideline_recommendations_version_id")
        ),
    )
    with op.batch_alter_table("guideline_recommendations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guideline_recommendations_lookup", ["guideline_id", "number"], unique=False
        )

    op.create_table(
        "post_citations",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("guideline_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guideline_id"],
            ["guidelines.id"],
            name=op.f("fk_post_citations_guideline_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_citations_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["guideline_versions.id"],
            name=op.f("fk_post_citations_version_id_guideline_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "post_id", "guideline_id", "number", name=op.f("pk_post_citations")
        ),
    )
    with op.batch_alter_table("post_citations", schema=None) as batch_op:
        batch_op.create_index("ix_post_citations_cited", ["guideline_id", "number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_post_citations_version_id"), ["version_id"], unique=False
        )

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verifies_answers", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verifies_answers", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("basis", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("guidance_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("guidance_note", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("superseded_by_post_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answer_withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "answer_withdrawn_reason", sa.String(length=500), server_default="", nullable=False
            )
        )

    with op.batch_alter_table("site_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answer_review_months", sa.Integer(), server_default="12", nullable=False)
        )

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("solution_review_due", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("solution_reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "solution_reviewed_by_name", sa.String(length=80), server_default="", nullable=False
            )
        )
        batch_op.add_column(sa.Column("solution_verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "solution_verified_by_name", sa.String(length=80), server_default="", nullable=False
            )
        )
        batch_op.add_column(sa.Column("solution_verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("solution_guidance_changed_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_threads_solution_guidance_changed", ["solution_guidance_changed_at"], unique=False
        )
        batch_op.create_index(
            "ix_threads_solution_review_due", ["solution_review_due"], unique=False
        )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and later): batch mode would rebuild posts and threads
    # and break the search triggers on them. None of these columns is in a trigger.
    op.drop_index("ix_threads_solution_review_due", table_name="threads")
    op.drop_index("ix_threads_solution_guidance_changed", table_name="threads")
    for table, columns in _ADDED_COLUMNS.items():
        for column in columns:
            op.drop_column(table, column)
    op.drop_table("post_citations")
    op.drop_table("guideline_recommendations")
    op.drop_table("guideline_versions")
    op.drop_table("guidelines")


_ADDED_COLUMNS = {
    "threads": (
        "solution_guidance_changed_at",
        "solution_verified_by_name",
        "solution_verified_by_id",
        "solution_verified_at",
        "solution_reviewed_by_name",
        "solution_reviewed_at",
        "solution_review_due",
    ),
    "site_settings": ("answer_review_months",),
    "posts": (
        "answer_withdrawn_reason",
        "answer_withdrawn_at",
        "superseded_by_post_id",
        "guidance_note",
        "guidance_changed_at",
        "basis",
    ),
    "groups": ("verifies_answers",),
    "users": ("verifies_answers",),
}
