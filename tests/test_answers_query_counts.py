"""Every list page and the thread page run the same number of SQL statements for 10 items as
for 100, with solutions, helpful marks, bookmarks, tags and unread state in play."""

from __future__ import annotations

import pytest

from forum import queries
from forum.extensions import db
from forum.policy import SYSTEM
from forum.services.discussions import bookmarks, helpful, questions, reading, solutions
from forum.services.discussions import posting as discussions
from tests.factories import make_category, make_tag, make_user, sign_in

LIST_PAGES = [
    "/latest",
    "/unread",
    "/unanswered",
    "/unsolved",
    "/my-threads",
    "/bookmarks",
    "/tags",
    "/tags/{tag}",
    "/c/{category}",
    "/latest?category={category}",
    "/",
]


def _world(count: int) -> dict:
    """``count`` threads (tagged, every third solved, every other read and bookmarked) and a
    thread with ``count`` replies marked helpful."""
    reader, asker, answerer = make_user(), make_user(), make_user()
    category, tag = make_category(), make_tag("NG12")
    for n in range(count):
        thread = questions.start_thread(
            asker, category, title=f"Question number {n}", body="Body", tag_ids=[tag.id]
        )
        reply = discussions.reply_to_thread(answerer, thread, body="An answer")
        discussions.reply_to_thread(reader, thread, body="Me too")
        if n % 3 == 0:
            solutions.accept_solution(asker, thread, reply)
        if n % 2 == 0:
            reading.mark_thread_read(reader, thread, 2)
            bookmarks.add_bookmark(reader, reply)
    long = questions.start_thread(asker, category, title="A long thread", body="Start")
    for n in range(count):
        post = discussions.reply_to_thread(answerer, long, body=f"Reply {n}")
        helpful.mark_helpful(reader, post)
        if n % 2 == 0:
            bookmarks.add_bookmark(reader, post)
    solutions.accept_solution(asker, long, post)
    reading.mark_thread_read(reader, long, count // 2)
    db.session.commit()
    return {"reader": reader, "category": category.slug, "tag": tag.slug, "long": long.id}


def _statements(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def _counts(app, count_queries, count: int) -> dict[str, int]:
    world = _world(count)
    client = app.test_client()
    sign_in(client, world["reader"])
    pages = [*LIST_PAGES, "/t/{long}"]
    return {page: _statements(client, count_queries, page.format(**world)) for page in pages}


@pytest.fixture
def big_pages(app):
    app.config.update(THREADS_PER_PAGE=100, POSTS_PER_PAGE=101)
    return app


def test_list_and_thread_pages_cost_the_same_for_10_and_100_items(big_pages, count_queries):
    few = _counts(big_pages, count_queries, 10)
    db.session.remove()
    from tests.conftest import _empty_tables

    _empty_tables()
    many = _counts(big_pages, count_queries, 100)
    assert few == many


def test_the_thread_page_stays_small(big_pages, count_queries):
    world = _world(10)
    client = big_pages.test_client()
    sign_in(client, world["reader"])
    # thread, user, category-checked thread load, posts, reader state, solution, tags, draft,
    # and the read-marker upsert (plus the moderation engineer's queue look-up).
    assert _statements(client, count_queries, f"/t/{world['long']}") <= 10
    thread = queries.get_thread_or_404(world["long"], SYSTEM)
    assert thread.solution_post_id is not None
