"""organisation sign-in: linked organisation accounts, and join requests made through one

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 18:40:00

A new table and added columns only: nothing existing is rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "linked_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_linked_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linked_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_linked_identities_issuer")),
    )
    op.create_index(
        op.f("ix_linked_identities_user_id"), "linked_identities", ["user_id"], unique=False
    )
    op.add_column(
        "users",
        sa.Column("linked_identity_count", sa.Integer(), nullable=False, server_default="0"),
    )
    for name, length in (("provider", 40), ("issuer", 255), ("subject", 255)):
        op.add_column(
            "join_requests",
            sa.Column(
                f"identity_{name}", sa.String(length=length), nullable=False, server_default=""
            ),
        )


def downgrade():
    with op.batch_alter_table("join_requests") as batch:
        for name in ("subject", "issuer", "provider"):
            batch.drop_column(f"identity_{name}")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("linked_identity_count")
    op.drop_index(op.f("ix_linked_identities_user_id"), table_name="linked_identities")
    op.drop_table("linked_identities")
