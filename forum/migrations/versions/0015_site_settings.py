"""site settings and the site's pages (about, terms, privacy), versioned

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:30:00
"""

from alembic import op  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
