"""moderation: flags, review queue, watched words, sanctions, notes, category moderators

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-28 10:00:00

Columns are added to existing tables with plain ADD COLUMN (no constraint, and string server
defaults), so SQLite's batch mode never rebuilds those tables: a rebuild would drop any
trigger other migrations attach to them (the search index keeps posts in sync with triggers).
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(table, column, target="users", ondelete="SET NULL"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _alter_existing_tables():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("silenced_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("suspended_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("banned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("moderated_category_ids", sa.JSON(), nullable=True))

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("hidden_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("held_reason", sa.String(length=300), server_default="", nullable=False)
        )

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_pinned_globally", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("requires_approval", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_subject_user_id"), ["subject_user_id"], unique=False
        )


def _create_queue_tables():
    op.create_table(
        "moderation_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("hid_post", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_name", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.Column("outcome_reason", sa.String(length=1000), nullable=False),
        _fk("moderation_items", "post_id", "posts", "CASCADE"),
        _fk("moderation_items", "resolved_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_items")),
    )
    with op.batch_alter_table("moderation_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_items_post_id"), ["post_id"], unique=False
        )
        batch_op.create_index(
            "ix_moderation_items_open", ["resolved_at", "created_at"], unique=False
        )

    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("flags", "item_id", "moderation_items", "CASCADE"),
        _fk("flags", "post_id", "posts", "CASCADE"),
        _fk("flags", "reporter_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint("item_id", "reporter_id", name=op.f("uq_flags_item_id")),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flags_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_reporter_id"), ["reporter_id"], unique=False)

    op.create_table(
        "queue_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("moderator_name", sa.String(length=80), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        _fk("queue_claims", "moderator_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_claims")),
        sa.UniqueConstraint("subject", "subject_id", name=op.f("uq_queue_claims_subject")),
    )

    op.create_table(
        "watched_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("explanation", sa.String(length=300), nullable=False),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_words")),
        sa.UniqueConstraint("phrase", name=op.f("uq_watched_words_phrase")),
    )


def _create_member_tables():
    op.create_table(
        "member_sanctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by_name", sa.String(length=80), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("member_sanctions", "user_id", ondelete="CASCADE"),
        _fk("member_sanctions", "post_id", "posts"),
        _fk("member_sanctions", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_sanctions")),
    )
    with op.batch_alter_table("member_sanctions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_sanctions_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "member_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("member_notes", "user_id", ondelete="CASCADE"),
        _fk("member_notes", "author_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_notes")),
    )
    with op.batch_alter_table("member_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_notes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "category_moderators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("category_moderators", "user_id", ondelete="CASCADE"),
        _fk("category_moderators", "category_id", "categories", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_moderators")),
        sa.UniqueConstraint(
            "user_id", "category_id", name=op.f("uq_category_moderators_user_id")
        ),
    )
    with op.batch_alter_table("category_moderators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_category_moderators_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "moderation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("moderation_messages", "user_id", ondelete="CASCADE"),
        _fk("moderation_messages", "post_id", "posts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_messages")),
    )
    with op.batch_alter_table("moderation_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_moderation_messages_recipient", ["user_id", "created_at"], unique=False
        )


def upgrade():
    _alter_existing_tables()
    _create_queue_tables()
    _create_member_tables()


def downgrade():
    op.drop_table("moderation_messages")
    op.drop_table("category_moderators")
    op.drop_table("member_notes")
    op.drop_table("member_sanctions")
    op.drop_table("watched_words")
    op.drop_table("queue_claims")
    op.drop_table("flags")
    op.drop_table("moderation_items")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_subject_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_id"))
        batch_op.drop_column("subject_user_id")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("requires_approval")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("is_pinned_globally")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("held_reason")
        batch_op.drop_column("held_at")
        batch_op.drop_column("hidden_by_id")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("moderated_category_ids")
        batch_op.drop_column("banned_at")
        batch_op.drop_column("suspended_until")
        batch_op.drop_column("silenced_until")
