"""Pages run a fixed number of SQL statements, whatever they show."""

from __future__ import annotations

import pytest

from tests.factories import make_category, make_thread, make_user, sign_in


def _statements_for(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("replies", [2, 19])
def test_thread_page_is_constant(app, client, count_queries, replies):
    authors = [make_user(job_title="GP", interests="None declared") for _ in range(5)]
    thread = make_thread(replies=0)
    from tests.factories import make_reply

    for n in range(replies):
        make_reply(thread, author=authors[n % 5])
    sign_in(client, make_user())
    small = _statements_for(client, count_queries, f"/t/{thread.id}")
    # + the reader's marks and read marker, solution, tags, reply draft, read-marker upsert
    assert small <= 10, small


def test_thread_page_same_count_for_few_and_many_posts(app, client, count_queries):
    from tests.factories import make_reply

    few, many = make_thread(), make_thread()
    for _ in range(19):
        make_reply(many, author=make_user())
    make_reply(few)
    sign_in(client, make_user())
    assert _statements_for(client, count_queries, f"/t/{few.id}") == _statements_for(
        client, count_queries, f"/t/{many.id}"
    )


def test_category_page_same_count_for_few_and_many_threads(app, client, count_queries):
    small, large = make_category(), make_category()
    make_thread(small)
    for _ in range(25):
        make_thread(large, author=make_user())
    sign_in(client, make_user())
    assert _statements_for(client, count_queries, f"/c/{small.slug}") == _statements_for(
        client, count_queries, f"/c/{large.slug}"
    )


def test_home_page_same_count_for_few_and_many_categories(app, client, count_queries):
    make_thread(make_category())
    sign_in(client, make_user())
    few = _statements_for(client, count_queries, "/")
    for _ in range(8):
        make_thread(make_category(), author=make_user())
    assert _statements_for(client, count_queries, "/") == few


def test_search_page_same_count_for_few_and_many_results(app, client, count_queries):
    """However many results, snippets and highlighted titles a page of search results shows,
    it runs the same statements (the posts, snippets and titles each in one)."""
    make_thread(title="Sarcoma once", body="Sarcoma.")
    for n in range(25):
        make_thread(title=f"Lymphoma {n}", body=f"Lymphoma, case {n}.", author=make_user())
    sign_in(client, make_user())
    # The first search in a process also loads the thesaurus (forum/search/thesaurus.py).
    _statements_for(client, count_queries, "/search?q=warm")
    few = _statements_for(client, count_queries, "/search?q=sarcoma")
    many = _statements_for(client, count_queries, "/search?q=lymphoma")
    assert few == many, (few, many)
    assert _statements_for(client, count_queries, "/search?q=lymphoma&page=2") == many
