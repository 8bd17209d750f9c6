"""operations: the worker's heartbeat and the record of backups

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 09:30:00
"""

from alembic import op  # noqa: F401

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
