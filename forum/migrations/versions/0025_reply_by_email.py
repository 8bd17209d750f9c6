"""reply by email: each received message once (its Message-ID's hash) and its outcome

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 18:40:00

A new table only: nothing existing is rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inbound_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_inbound_emails_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_inbound_emails_thread_id_threads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_inbound_emails_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_emails")),
        sa.UniqueConstraint("message_hash", name=op.f("uq_inbound_emails_message_hash")),
    )
    op.create_index(
        "ix_inbound_emails_user_answered",
        "inbound_emails",
        ["user_id", "answered_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_inbound_emails_user_answered", table_name="inbound_emails")
    op.drop_table("inbound_emails")
