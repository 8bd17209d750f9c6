"""The search page: GET /search?q=..., its filter controls, and the search box on every page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Thread
from tests.conftest import build_app
from tests.factories import (
    make_category,
    make_moderator,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    sign_in,
)


@pytest.fixture
def member_client(app, client):
    sign_in(client, make_user())
    return client


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    response = client.get("/search?q=anything")

    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_an_empty_search_shows_the_form_and_tips(member_client):
    response = member_client.get("/search")

    assert response.status_code == 200
    html = page_text(response)
    assert 'role="search"' in html and "Search tips" in html
    assert '<label class="field__label" for="q">Search for</label>' in html


def test_every_page_has_a_labelled_search_box_in_the_header(member_client):
    html = page_text(member_client.get("/"))

    header = html.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]
    assert 'role="search"' in header
    assert '<label for="site-search-q" class="visually-hidden">Search the forum</label>' in header
    assert 'href="/search"' in header


def test_results_show_highlighted_titles_and_snippets(app, member_client):
    thread = make_thread(title="Haematuria in women", body="Visible haematuria at 45.")

    response = member_client.get("/search?q=haematuria")

    html = page_text(response)
    assert response.status_code == 200
    assert "1 thread matches" in html
    assert "<mark>Haematuria</mark> in women" in html
    assert "Visible <mark>haematuria</mark> at 45." in html
    assert f'href="/t/{thread.id}/{thread.slug}"' in html


def test_what_a_post_says_is_escaped_in_results(app, member_client):
    make_thread(title="Escaping test", body="Carcinoid <img src=x onerror=alert(1)> syndrome")

    html = page_text(member_client.get("/search?q=carcinoid"))

    assert "<img src=x" not in html
    assert "<mark>Carcinoid</mark>" in html


def test_filter_controls_apply_like_typed_filters(app, member_client):
    screening = make_category("Screening")
    make_thread(screening, title="In screening", body="Cytology results.")
    make_thread(title="Elsewhere thread", body="Cytology results.")

    response = member_client.get(f"/search?q=cytology&category={screening.slug}")

    html = page_text(response)
    assert "In screening" in html and "Elsewhere thread" not in html
    assert re.search(rf'<option selected value="{screening.slug}">Screening</option>', html)


def test_a_typed_filter_moves_into_its_control(app, member_client):
    screening = make_category("Screening")
    make_thread(screening, title="In screening", body="Cytology results.")

    html = page_text(member_client.get(f"/search?q=cytology+category:{screening.slug}"))

    assert 'value="cytology"' in html
    assert f'<option selected value="{screening.slug}">' in html


def test_no_results_suggests_removing_filters(app, member_client):
    category = make_category("Screening")
    make_thread(title="Elsewhere thread", body="Cytology results.")

    html = page_text(member_client.get(f"/search?q=cytology+is:solved+category:{category.slug}"))

    assert "No results" in html
    assert f'href="/search?q=cytology&amp;category={category.slug}">Remove is:solved</a>' in html
    assert 'href="/search?q=cytology&amp;status=solved">Remove category:' in html


def test_results_are_paginated_with_the_query_kept(app, member_client):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 2
    for n in range(3):
        make_thread(title=f"Sarcoma case {n}", body="Sarcoma.")

    first = page_text(member_client.get("/search?q=sarcoma"))
    second = member_client.get("/search?q=sarcoma&page=2")

    assert 'href="/search?page=2&amp;q=sarcoma"' in first
    assert second.status_code == 200 and "Sarcoma case 0" in page_text(second)


def test_a_page_past_the_end_is_not_found_and_a_bad_page_is_refused(app, member_client):
    make_thread(title="Only thread", body="Sarcoma.")

    assert member_client.get("/search?q=sarcoma&page=5").status_code == 404
    assert member_client.get("/search?q=sarcoma&page=abc").status_code == 400


@pytest.mark.parametrize(
    "query", ['"', "-", "*", "a" * 5000, "category:", "@", "before:99/99/9999", "%00"]
)
def test_malformed_searches_get_a_page(app, member_client, query):
    response = member_client.get("/search", query_string={"q": query, "after": "garbage"})

    assert response.status_code == 200


def test_a_nul_character_in_the_address_gets_a_clear_refusal(app, member_client):
    """The forum refuses addresses with a NUL byte (forum/web/security.py) before search sees
    them; search itself reads it as a space (test_any_input_gets_an_answer in
    tests/test_search.py)."""
    response = member_client.get("/search", query_string={"q": "sarcoma\x00"})

    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_members_never_see_staff_only_threads_in_results(app, client):
    make_thread(make_staff_category(), title="Staff rota thread", body="Xylophone planning.")
    sign_in(client, make_user())

    html = page_text(client.get("/search?q=xylophone"))

    assert "Staff rota thread" not in html and "No results" in html


def test_moderators_see_staff_only_threads_marked_as_such(app, client):
    make_thread(make_staff_category(), title="Staff rota thread", body="Xylophone planning.")
    sign_in(client, make_moderator())

    html = page_text(client.get("/search?q=xylophone"))

    assert "Staff rota thread" in html and "Staff only" in html


def test_solved_threads_link_to_their_accepted_answer(app, member_client):
    thread = make_thread(title="Solved question", body="Hypercalcaemia puzzle.")
    answer = make_reply(thread, body="Check the PTH.")
    db.session.execute(
        update(Thread).where(Thread.id == thread.id).values(solution_post_id=answer.id)
    )
    db.session.commit()

    html = page_text(member_client.get("/search?q=hypercalcaemia"))

    assert '<span class="badge badge--solved">Solved</span>' in html
    assert f'href="/p/{answer.id}">Accepted answer' in html


def test_the_page_makes_the_same_few_queries_however_many_results(
    app, member_client, count_queries
):
    def queries_for_results(count: int) -> int:
        for n in range(count):
            make_thread(title=f"Lipoma thread {n}", body=f"Lipoma number {n}.")
        with count_queries() as counter:
            assert member_client.get("/search?q=lipoma").status_code == 200
        return counter.count

    assert queries_for_results(2) == queries_for_results(8)


def test_searches_are_rate_limited(app, database_url):
    member = make_user()
    limited = build_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="2 per minute")
    client = limited.test_client()
    sign_in(client, member)

    statuses = [client.get("/search?q=anything").status_code for _ in range(3)]
    with limited.app_context():
        db.engine.dispose()

    assert statuses == [200, 200, 429]
