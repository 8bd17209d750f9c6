"""The filter tokens indexed beside each post (forum/search/facets.py) stay exact through every
change that alters a filter's answer, so filtered searches find exactly what the filters say.
Every test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, text, update

from forum import search
from forum.extensions import db
from forum.models import Post, Tag, Thread, User, utcnow
from forum.search import facets
from forum.search.query import parse
from forum.services.discussions import solutions, tags
from forum.services.moderation import threads as moderation_threads
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_reply,
    make_tag,
    make_thread,
    make_user,
    opening_post,
)


def found(query: str, actor=None) -> list[str]:
    actor = actor or make_user()
    return [hit.thread.title for hit in search.search_posts(query, actor).hits]


def assert_index_in_sync() -> None:
    """Every post's indexed tokens are the ones its current row and thread give."""
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        # FTS5 compares the index with its content (posts joined to the stored tokens) ...
        connection.exec_driver_sql(
            "INSERT INTO search_posts(search_posts, rank) VALUES ('integrity-check', 1)"
        )
        # ... and the stored tokens must be what the posts and threads say now.
        stale = connection.exec_driver_sql(
            "SELECT count(*) FROM posts AS p JOIN threads AS t ON t.id = p.thread_id "
            "LEFT JOIN search_post_facets AS f ON f.post_id = p.id "
            f"WHERE f.facets IS NOT ({search.sqlite.facets_sql('p', 't')})"
        ).scalar_one()
        orphans = connection.exec_driver_sql(
            "SELECT count(*) FROM search_post_facets WHERE post_id NOT IN (SELECT id FROM posts)"
        ).scalar_one()
        assert (stale, orphans) == (0, 0)
    else:
        stale = connection.execute(
            text(
                "SELECT count(*) FROM posts WHERE search_facets IS DISTINCT FROM "
                "search_post_facets(author_id, created_at, thread_id)"
            )
        ).scalar_one()
        assert stale == 0


def test_new_posts_are_indexed_with_their_tokens(app):
    author = make_user(username="asha")
    thread = make_thread(title="Ferritin question", body="Low ferritin again.", author=author)
    make_reply(thread, body="Ferritin under 15 needs a look.")

    assert_index_in_sync()
    assert found("ferritin author:asha") == ["Ferritin question"]


def test_an_author_filter_finds_only_that_members_posts_among_many(app):
    asha, tom = make_user(username="asha"), make_user(username="tom")
    for n in range(6):
        make_thread(title=f"Tom's thread {n}", body="Referral pathway notes.", author=tom)
    make_thread(title="Asha's thread", body="Referral pathway notes.", author=asha)

    assert found("referral author:asha") == ["Asha's thread"]
    assert found("@asha") == ["Asha's thread"]


def test_moving_a_thread_moves_its_posts_between_category_filters(app):
    screening, referral = make_category("Screening"), make_category("Referral")
    thread = make_thread(title="Moved thread", body="Calprotectin levels.", category=screening)
    make_reply(thread, body="Calprotectin repeated.")

    moderation_threads.move_thread(make_admin(), loaded(thread), referral)
    db.session.commit()

    assert_index_in_sync()
    assert found(f"calprotectin category:{screening.slug}") == []
    assert found(f"calprotectin category:{referral.slug}") == ["Moved thread"]
    assert found(f"category:{referral.slug}") == ["Moved thread"]


def test_accepting_and_clearing_an_answer_changes_is_solved(app):
    author = make_user()
    thread = make_thread(title="Open question", body="Haematuria in a 40-year-old.", author=author)
    answer = make_reply(thread, body="Refer on the haematuria pathway.")
    make_thread(title="Other question", body="Haematuria again.")

    solutions.accept_solution(author, loaded(thread), db.session.get(Post, answer.id))
    db.session.commit()
    assert_index_in_sync()
    assert found("haematuria is:solved") == ["Open question"]
    assert found("is:solved") == ["Open question"]

    solutions.clear_solution(author, loaded(thread))
    db.session.commit()
    assert_index_in_sync()
    assert found("haematuria is:solved") == []
    assert sorted(found("haematuria is:unsolved")) == ["Open question", "Other question"]


def test_tagging_and_untagging_a_thread_changes_the_tag_filter(app):
    tag = make_tag("Two week wait")
    thread = make_thread(title="Tagged thread", body="Dysphagia at 60.")
    make_reply(thread, body="Dysphagia is a red flag.")
    make_thread(title="Untagged thread", body="Dysphagia at 70.")

    tags.set_thread_tags(make_admin(), loaded(thread), [tag.id])
    db.session.commit()
    assert_index_in_sync()
    assert found(f"dysphagia tag:{tag.slug}") == ["Tagged thread"]

    tags.set_thread_tags(make_admin(), loaded(thread), [])
    db.session.commit()
    assert_index_in_sync()
    assert found(f"dysphagia tag:{tag.slug}") == []


def test_deleting_a_tag_untags_its_threads(app):
    tag = make_tag("Audit")
    thread = make_thread(title="Tagged", body="Audit results.")
    tags.set_thread_tags(make_admin(), loaded(thread), [tag.id])
    db.session.commit()

    db.session.execute(delete(Tag).where(Tag.id == tag.id))
    db.session.commit()

    assert_index_in_sync()


def test_editing_and_removing_posts_keeps_the_index_exact(app):
    author = make_user(username="editor")
    thread = make_thread(title="Edited thread", body="Mesothelioma history.", author=author)
    reply = make_reply(thread, body="Asbestos exposure.", author=author)

    db.session.execute(
        update(Post).where(Post.id == reply.id).values(body_source="Pleural plaques.")
    )
    db.session.commit()
    assert found("plaques author:editor") == ["Edited thread"]
    assert found("asbestos author:editor") == []

    db.session.execute(delete(Post).where(Post.id == reply.id))
    db.session.commit()
    assert_index_in_sync()
    assert found("plaques author:editor") == []


def test_merged_posts_take_the_target_threads_tokens(app):
    screening, referral = make_category("Screening"), make_category("Referral")
    source = make_thread(title="Source", body="Hoarseness for weeks.", category=screening)
    target = make_thread(title="Target", body="Hoarseness in a smoker.", category=referral)

    moderation_threads.merge_threads(make_admin(), loaded(source), loaded(target))
    db.session.commit()

    assert_index_in_sync()
    assert found(f"hoarseness category:{referral.slug}") == ["Target"]
    assert found(f"hoarseness category:{screening.slug}") == []


def test_an_authors_account_removed_leaves_no_stale_tokens(app):
    author = make_user(username="leaver")
    make_thread(title="Left behind", body="Pancreatic cancer pathway.", author=author)

    db.session.execute(delete(User).where(User.id == author.id))
    db.session.commit()

    assert_index_in_sync()
    assert found("pancreatic") == ["Left behind"]


def test_deleting_a_whole_thread_removes_its_posts_from_the_index(app):
    thread = make_thread(title="Going", body="Sarcoma query.")
    make_reply(thread, body="Sarcoma answer.")
    tag = make_tag("Sarcoma")
    tags.set_thread_tags(make_admin(), loaded(thread), [tag.id])
    db.session.commit()

    db.session.execute(delete(Thread).where(Thread.id == thread.id))
    db.session.commit()

    assert_index_in_sync()
    assert found("sarcoma") == []


def test_date_ranges_use_month_tokens_and_stay_exact_at_the_edges(app):
    old = make_thread(title="Older", body="Thrombocytosis noted.")
    make_thread(title="Recent", body="Thrombocytosis noted.")
    now = utcnow()
    db.session.execute(
        update(Post)
        .where(Post.id == opening_post(old).id)
        .values(created_at=now - timedelta(days=40))
    )
    db.session.commit()
    assert_index_in_sync()

    after = (now - timedelta(days=45)).date().isoformat()
    before = (now - timedelta(days=35)).date().isoformat()
    assert found(f"thrombocytosis after:{after} before:{before}") == ["Older"]
    assert found(f"thrombocytosis after:{before}") == ["Recent"]


def test_the_tokens_a_query_requires():
    query = parse("fit is:solved after:2026-01-15 before:2026-03-02")

    required = facets.required(query, today=date(2026, 6, 1), author_id=None)

    assert required.groups == (("so1",), ("mo202601", "mo202602", "mo202603"))
    assert required.fts5("facets") == (
        'facets : ("so1") AND facets : ("mo202601" OR "mo202602" OR "mo202603")'
    )
    assert required.tsquery() == "(so1) & (mo202601 | mo202602 | mo202603)"


def test_broad_filters_add_no_tokens():
    today = date(2026, 6, 1)

    assert not facets.required(parse("fit is:unsolved"), today=today)
    assert not facets.required(parse("fit after:2020-01-01"), today=today)
    assert not facets.required(parse("fit before:2026-01-01"), today=today)
    assert facets.required(parse("fit after:2026-05-20"), today=today).groups == (
        ("mo202605", "mo202606"),
    )


def test_a_word_that_looks_like_a_token_matches_only_text(app):
    author = make_user()
    make_thread(title="Token lookalike", body="Nothing to see.", author=author)

    assert found(f"au{author.id}") == []
    assert found("so0") == []
