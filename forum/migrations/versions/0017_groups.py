"""groups of members, and categories restricted to groups

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:30:00

Columns are added to existing tables with plain ADD COLUMN (nullable, no constraint), so
SQLite's batch mode never rebuilds those tables and the triggers on them survive.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("handle", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_mentionable", sa.Boolean(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("handle", name=op.f("uq_groups_handle")),
        sa.UniqueConstraint("name", name=op.f("uq_groups_name")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_name", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        _fk("group_members", "group_id", "groups"),
        _fk("group_members", "user_id", "users"),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    op.create_index(op.f("ix_group_members_user_id"), "group_members", ["user_id"])
    op.create_table(
        "category_groups",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("may_read", sa.Boolean(), nullable=False),
        sa.Column("may_post", sa.Boolean(), nullable=False),
        _fk("category_groups", "category_id", "categories"),
        _fk("category_groups", "group_id", "groups"),
        sa.PrimaryKeyConstraint("category_id", "group_id", name=op.f("pk_category_groups")),
    )
    op.create_index(op.f("ix_category_groups_group_id"), "category_groups", ["group_id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_ids", sa.JSON(), nullable=True))
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_group_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("post_group_ids", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("post_group_ids")
        batch_op.drop_column("read_group_ids")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("group_ids")
    op.drop_index(op.f("ix_category_groups_group_id"), table_name="category_groups")
    op.drop_table("category_groups")
    op.drop_index(op.f("ix_group_members_user_id"), table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("groups")
