"""confidentiality guard: confirmed posts awaiting review, their findings (kind, offsets and a
salted hash, never the text), and confidentiality incidents (no content)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:00:00

New tables only, so no existing table (or the search triggers on it) is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _create_reviews():
    op.create_table(
        "confidentiality_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_name", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        _fk("confidentiality_reviews", "post_id", "posts"),
        _fk("confidentiality_reviews", "resolved_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidentiality_reviews")),
    )
    op.create_index(
        "ix_confidentiality_reviews_open", "confidentiality_reviews", ["resolved_at", "created_at"]
    )
    op.create_index(
        op.f("ix_confidentiality_reviews_post_id"), "confidentiality_reviews", ["post_id"]
    )


def _create_findings():
    op.create_table(
        "post_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("edit_count", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("post_findings", "review_id", "confidentiality_reviews"),
        _fk("post_findings", "post_id", "posts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_findings")),
    )
    for column in ("review_id", "post_id", "fingerprint"):
        op.create_index(op.f(f"ix_post_findings_{column}"), "post_findings", [column])


def _create_incidents():
    op.create_table(
        "confidentiality_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=80), nullable=False),
        sa.Column("category_name", sa.String(length=80), nullable=False),
        sa.Column("reported_by", sa.String(length=500), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("acted_by_id", sa.Integer(), nullable=True),
        sa.Column("acted_by_name", sa.String(length=80), nullable=False),
        sa.Column("acted_at", sa.DateTime(), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidentiality_incidents")),
    )
    op.create_index(
        "ix_confidentiality_incidents_acted_at", "confidentiality_incidents", ["acted_at"]
    )


def upgrade():
    _create_reviews()
    _create_findings()
    _create_incidents()


def downgrade():
    op.drop_table("confidentiality_incidents")
    op.drop_table("post_findings")
    op.drop_table("confidentiality_reviews")
