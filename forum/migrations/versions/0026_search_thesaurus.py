"""search thesaurus: groups of equivalent terms staff keep, seeded with UK primary-care
cancer shorthand; and the forum's words, for "did you mean"

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 18:55:00

New tables only: nothing existing is rebuilt. The seeded groups come from
forum/data/search_terms.txt (docs/search.md#the-thesaurus). ``search_words`` is filled from
the search index's own vocabulary (``forum.search.vocabulary.refresh``); on PostgreSQL it has
a trigram index (pg_trgm).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from forum.search import thesaurus, vocabulary

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    groups = op.create_table(
        "thesaurus_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thesaurus_groups")),
    )
    terms = op.create_table(
        "thesaurus_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["thesaurus_groups.id"],
            name=op.f("fk_thesaurus_terms_group_id_thesaurus_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thesaurus_terms")),
        sa.UniqueConstraint("term", name=op.f("uq_thesaurus_terms_term")),
    )
    op.create_index(op.f("ix_thesaurus_terms_group_id"), "thesaurus_terms", ["group_id"])
    state = op.create_table(
        "thesaurus_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thesaurus_state")),
    )
    _seed(groups, terms, state)
    vocabulary.install(op.get_bind())  # creates and fills search_words


def _seed(groups, terms, state):
    seeded = thesaurus.seed_groups()
    stamp = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        groups,
        [
            {"id": n, "note": note, "created_at": stamp, "updated_at": stamp}
            for n, (note, _terms) in enumerate(seeded, start=1)
        ],
    )
    rows = []
    for n, (_note, words) in enumerate(seeded, start=1):
        rows += [{"group_id": n, "term": t, "position": p} for p, t in enumerate(words)]
    op.bulk_insert(terms, rows)
    op.bulk_insert(state, [{"id": 1, "version": 1}])
    if op.get_bind().dialect.name == "postgresql":  # the ids above were given, not drawn
        op.execute(
            "SELECT setval(pg_get_serial_sequence('thesaurus_groups', 'id'), "
            "(SELECT max(id) FROM thesaurus_groups))"
        )


def downgrade():
    vocabulary.uninstall(op.get_bind())
    op.drop_table("thesaurus_state")
    op.drop_index(op.f("ix_thesaurus_terms_group_id"), table_name="thesaurus_terms")
    op.drop_table("thesaurus_terms")
    op.drop_table("thesaurus_groups")
