"""The search index as the migrations build it, and the commands that repair it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from forum import search
from forum.cli import seeding
from forum.extensions import db
from forum.models import Post
from tests.factories import make_thread, make_user


def search_objects() -> set[tuple[str, str]]:
    """Every database object search owns, with its definition."""
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'")
        )
    else:
        rows = connection.execute(
            text(
                "SELECT table_name || '.' || column_name, generation_expression "
                "FROM information_schema.columns "
                "WHERE column_name IN ('search_vector', 'search_facets') "
                "AND table_schema = current_schema() "
                "UNION ALL SELECT indexname, indexdef FROM pg_indexes "
                "WHERE (indexname LIKE '%search_vector' OR indexname = 'ix_posts_search_pairs') "
                "AND schemaname = current_schema() "
                "UNION ALL SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgname LIKE 'search\\_%' "
                "UNION ALL SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
                "WHERE proname LIKE 'search\\_%'"
            )
        )
    return {(name, definition) for name, definition in rows}


def titles(query: str) -> list[str]:
    return [hit.thread.title for hit in search.search_posts(query, make_user()).hits]


def test_the_migrations_install_the_index_and_its_triggers(app):
    names = {name for name, _definition in search_objects()}

    if db.engine.dialect.name == "sqlite":
        expected = {
            "search_posts",
            "search_threads",
            "search_post_facets",
            "search_post_documents",
            "search_posts_thread_update",
            "search_posts_tag_insert",
            "search_posts_tag_delete",
        } | {
            f"search_{table}_{event}"
            for table in ("posts", "threads")
            for event in ("insert", "update", "delete")
        }
    else:
        expected = {
            "posts.search_vector",
            "threads.search_vector",
            "ix_posts_search_vector",
            "ix_threads_search_vector",
            "posts.search_facets",
            "search_posts_facets",
            "search_threads_facets",
            "search_thread_tags_facets",
            "search_post_facets",
        }
    assert expected <= names


def test_install_finds_nothing_missing_after_the_migrations(app):
    assert search.install() is False


def test_install_recreates_exactly_what_the_migration_made(app):
    make_thread(title="Before the repair", body="Osteosarcoma.")
    made_by_migration = search_objects()
    search.backend().uninstall(db.session.connection())
    assert not search_objects() & made_by_migration

    assert search.install() is True
    db.session.commit()

    assert search_objects() == made_by_migration
    assert titles("osteosarcoma") == ["Before the repair"]


def test_a_bulk_load_is_indexed_once_its_rows_are_in(app):
    """``forum seed-bench`` takes the index down while it inserts and builds it from the
    tables afterwards (``search.built_afterwards``): the index ends as the migrations made it,
    and every post is found by its words."""
    made_by_migration = search_objects()

    seeding.seed_bench(users=3, threads=4, posts=30)
    db.session.commit()

    assert search_objects() == made_by_migration
    assert search.install() is False
    reader = make_user()
    for post in db.session.scalars(select(Post).order_by(Post.id)):
        word = max(re.findall(r"[a-z]{4,}", post.body_source.lower()), key=len)
        found = {hit.thread.id for hit in search.search_posts(word, reader).hits}
        assert post.thread_id in found, word


def gin_indexes() -> dict[str, list[str] | None]:
    """PostgreSQL's GIN indexes, with their storage options."""
    rows = db.session.execute(
        text(
            "SELECT c.relname, c.reloptions FROM pg_class AS c JOIN pg_am AS a ON a.oid = c.relam "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'gin' AND n.nspname = current_schema()"
        )
    )
    return dict(rows.all())


def test_no_gin_index_keeps_a_pending_list_that_searches_would_read(app):
    """``fastupdate = off`` on every GIN index (migration 0012), and again after a rebuild."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's GIN indexes (SQLite's FTS5 has no pending list)")
    expected = {
        "ix_posts_search_vector",
        "ix_posts_search_pairs",
        "ix_threads_search_vector",
        "ix_stored_files_search_vector",
        # "did you mean": the forum's words by trigram (forum/search/vocabulary.py)
        "ix_search_words_trigrams",
    }

    migrated = gin_indexes()
    search.rebuild()
    db.session.commit()
    rebuilt = gin_indexes()

    assert set(migrated) == set(rebuilt) == expected
    assert all(options == ["fastupdate=off"] for options in (*migrated.values(), *rebuilt.values()))


def test_rebuild_reindexes_everything_and_reports_progress(app):
    make_thread(title="First thread here", body="Chondrosarcoma.", replies=2)
    make_thread(title="Second thread here", body="Chondrosarcoma.")
    steps: list[int] = []

    search.rebuild(progress=steps.append)
    db.session.commit()

    assert sum(steps) == search.rebuild_work()
    assert titles("chondrosarcoma") == ["Second thread here", "First thread here"]


def test_the_rebuild_command_shows_progress(app):
    make_thread(title="Indexed thread", body="Liposarcoma.")

    result = app.test_cli_runner().invoke(args=["forum", "rebuild-search"])

    assert result.exit_code == 0, result.output
    assert "Rebuilding search" in result.output and "Rebuilt the search index" in result.output
    assert titles("liposarcoma") == ["Indexed thread"]


def test_the_rebuild_command_can_just_check(app):
    result = app.test_cli_runner().invoke(args=["forum", "rebuild-search", "--check"])

    assert result.exit_code == 0, result.output
    assert "The search index is complete." in result.output


def test_the_index_size_is_known(app):
    make_thread(title="Something big", body="Words " * 100)

    assert search.index_size() > 0
