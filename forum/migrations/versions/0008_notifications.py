"""notifications: notifications, watching (threads, categories, tags), email settings and
digests, sensitive categories

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:00:00

Columns are added to existing tables with plain ADD COLUMN (string server defaults, no
constraint), so SQLite's batch mode never rebuilds those tables and the triggers other
migrations attach to them survive.
"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _alter_existing_tables():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unread_notification_count", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_sensitive", sa.Boolean(), server_default="0", nullable=False)
        )


def _create_notifications():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=80), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("email_due_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        _fk("notifications", "user_id", "users"),
        _fk("notifications", "thread_id", "threads"),
        _fk("notifications", "post_id", "posts"),
        _fk("notifications", "actor_id", "users", "SET NULL"),
        _fk("notifications", "outbox_message_id", "outbox_messages", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_recipient", "notifications", ["user_id", "created_at"])
    op.create_index("ix_notifications_unread", "notifications", ["user_id", "read_at"])
    for column in ("thread_id", "post_id", "email_due_at", "outbox_message_id"):
        op.create_index(op.f(f"ix_notifications_{column}"), "notifications", [column])


def _create_settings():
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("watch_started", sa.Boolean(), nullable=False),
        sa.Column("watch_replied", sa.Boolean(), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("email_days", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=8), nullable=False),
        sa.Column("digest_time", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_since", sa.DateTime(), nullable=False),
        sa.Column("last_digest_period", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("notification_settings", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )


def _create_subscription(table, target, column, extra=()):
    op.create_table(
        table,
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(column, sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        *extra,
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk(table, "user_id", "users"),
        _fk(table, column, target),
        sa.PrimaryKeyConstraint("user_id", column, name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _create_email_links():
    op.create_table(
        "email_post_links",
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        _fk("email_post_links", "outbox_message_id", "outbox_messages"),
        _fk("email_post_links", "post_id", "posts"),
        sa.PrimaryKeyConstraint("outbox_message_id", "post_id", name=op.f("pk_email_post_links")),
    )
    op.create_index(op.f("ix_email_post_links_post_id"), "email_post_links", ["post_id"])


def upgrade():
    _alter_existing_tables()
    _create_notifications()
    _create_settings()
    _create_subscription("thread_subscriptions", "threads", "thread_id")
    email = sa.Column("email", sa.Boolean(), nullable=False)
    _create_subscription("category_subscriptions", "categories", "category_id", [email])
    _create_subscription("tag_subscriptions", "tags", "tag_id")
    _create_email_links()


def downgrade():
    op.drop_table("email_post_links")
    op.drop_table("tag_subscriptions")
    op.drop_table("category_subscriptions")
    op.drop_table("thread_subscriptions")
    op.drop_table("notification_settings")
    op.drop_table("notifications")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("is_sensitive")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("unread_notification_count")
