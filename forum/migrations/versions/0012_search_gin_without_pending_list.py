"""search: GIN indexes without a pending list, so a search never reads unmerged entries

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 21:40:00

PostgreSQL only. By default (``fastupdate = on``) a GIN index adds new entries to an unsorted
pending list of up to ``gin_pending_list_limit`` (4 MB) that every scan of the index reads in
full until a vacuum merges it. A forum writes little and searches often, and every reply
gives its thread's row new index entries (the thread's counters change), so the list is
always there: on the benchmark it cost a search 6 of its 19 ms of database time. With
``fastupdate = off`` an insert updates the index itself. The lists already pending are
merged here (``gin_clean_pending_list``).

See forum/search/postgres_schema.py (``GIN_OPTIONS``; the same option for
``forum rebuild-search``) and docs/search.md.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = (
    "ix_posts_search_vector",
    "ix_posts_search_pairs",
    "ix_threads_search_vector",
    "ix_stored_files_search_vector",
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX IF EXISTS {index} SET (fastupdate = off)")
        op.execute(
            f"SELECT gin_clean_pending_list(to_regclass('{index}')) "
            f"WHERE to_regclass('{index}') IS NOT NULL"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX IF EXISTS {index} RESET (fastupdate)")
