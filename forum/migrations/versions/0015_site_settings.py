"""site settings and the site's pages (about, terms, privacy), versioned

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:30:00

New tables only, so nothing existing is rebuilt. No row is inserted: until an admin saves the
settings, the forum uses config's SITE_NAME and the default texts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _user_fk(table, column):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("welcome_source", sa.Text(), nullable=False),
        sa.Column("welcome_html", sa.Text(), nullable=False),
        sa.Column("markup_version", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=80), nullable=False),
        _user_fk("site_settings", "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "site_page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("markup_version", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=80), nullable=False),
        _user_fk("site_page_versions", "published_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_page_versions")),
        sa.UniqueConstraint("page", "version", name=op.f("uq_site_page_versions_page")),
    )


def downgrade():
    op.drop_table("site_page_versions")
    op.drop_table("site_settings")
