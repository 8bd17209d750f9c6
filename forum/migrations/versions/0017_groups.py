"""groups of members, and categories restricted to groups

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:30:00
"""

from alembic import op  # noqa: F401

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
