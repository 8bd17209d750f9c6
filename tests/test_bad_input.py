"""Bad input from the shared corpus: a clear 4xx or a re-rendered form, never a 500 or lost text."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from tests.corpus import bad_inputs, needs_corpus
from tests.factories import PASSWORD, loaded, make_category, make_thread, make_user, sign_in

CASES = bad_inputs()
TEXT_TAGS = [
    t for t in CASES if t.startswith(("overlong-", "markdown-", "unicode-", "sqli-", "search-"))
]
PCT_TAGS = [t for t in CASES if t.startswith(("invalid-utf8-pct-", "pct-"))]
PAGE_TAGS = [t for t in CASES if t.startswith(("page-", "id-", "per-page-"))]
NEXT_TAGS = [t for t in CASES if t.startswith("next-")]


@pytest.fixture
def member_client(app, client):
    sign_in(client, make_user())
    return client


@needs_corpus
@pytest.mark.parametrize("tag", TEXT_TAGS)
def test_text_as_a_reply_round_trips_or_is_refused_with_the_text_kept(
    app, member_client, reload, tag
):
    thread = make_thread()
    value = CASES[tag]
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": value})
    assert response.status_code in (302, 422), response.status_code
    reload()
    stored = db.session.scalars(select(Post.body_source).where(Post.post_number == 2)).all()
    if response.status_code == 302:
        assert stored == [value]
    else:
        assert stored == []
        assert b"There is a problem" in response.data
        assert str(escape(value[:40])) in response.get_data(as_text=True)


@needs_corpus
@pytest.mark.parametrize("tag", TEXT_TAGS)
def test_text_as_a_thread_title_never_fails(app, member_client, tag):
    category = make_category()
    response = member_client.post(
        f"/c/{category.slug}/new", data={"title": CASES[tag], "body": "Body text"}
    )
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert b"Body text" in response.data


@needs_corpus
@pytest.mark.parametrize("tag", PCT_TAGS)
def test_invalid_utf8_in_a_form_body_is_refused(app, member_client, reload, tag):
    thread = make_thread()
    response = member_client.post(
        f"/t/{thread.id}/reply",
        data=f"body=before{CASES[tag]}after".encode("ascii"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400, 422)
    reload()
    stored = db.session.scalars(select(Post.body_source).where(Post.post_number == 2)).all()
    assert all("\ufffd" not in body for body in stored)


@needs_corpus
@pytest.mark.parametrize("tag", PCT_TAGS)
def test_invalid_utf8_in_a_query_string_is_a_400(app, member_client, tag):
    thread = make_thread()
    response = member_client.get(f"/t/{thread.id}?page={CASES[tag]}")
    assert response.status_code == 400


@needs_corpus
@pytest.mark.parametrize("tag", PAGE_TAGS)
@pytest.mark.parametrize("where", ["thread", "category"])
def test_page_numbers_and_ids_never_fail(app, member_client, tag, where):
    thread = make_thread()
    value = CASES[tag]
    base = f"/t/{thread.id}" if where == "thread" else f"/c/{loaded(thread).category.slug}"
    assert member_client.get(base, query_string={"page": value, "per_page": value}).status_code in (
        200,
        400,
        404,
    )
    if tag.startswith("id-"):
        assert member_client.get(f"/t/{value}").status_code == 404
        assert member_client.get(f"/p/{value}/edit").status_code == 404


@needs_corpus
@pytest.mark.parametrize("tag", NEXT_TAGS)
def test_sign_in_next_never_leaves_the_site(app, client, tag):
    member = make_user()
    response = client.post(
        "/login",
        query_string={"next": CASES[tag]},
        data={"email": member.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location.startswith("/") and not response.location.startswith("//")
    assert "evil" not in response.location and "javascript" not in response.location


def test_unknown_ids_are_404(app, member_client):
    for url in (
        "/t/999999",
        "/t/999999/slug",
        "/p/999999",
        "/p/999999/edit",
        "/c/no-such",
        "/u/nobody",
    ):
        assert member_client.get(url).status_code == 404, url
    assert member_client.post("/t/999999/reply", data={"body": "x"}).status_code == 404
    assert member_client.post("/p/999999/delete").status_code == 404


def test_a_request_over_the_size_limit_is_a_413_page(app, member_client):
    thread = make_thread()
    big = "A" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": big})
    assert response.status_code == 413
    assert b"too large" in response.data


def test_errors_are_json_for_json_clients(app, member_client):
    response = member_client.get("/t/999999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


QUERY_TAGS = ["pct-nul-byte", "sqli-postgres-pg-sleep", "search-like-wildcards"]
LISTINGS = ["/search", "/members", "/library", "/threads/latest", "/mod/audit"]


@needs_corpus
@pytest.mark.parametrize("tag", QUERY_TAGS)
@pytest.mark.parametrize("path", LISTINGS)
def test_query_strings_with_bad_text_never_fail(app, client, tag, path):
    from tests.factories import make_admin

    sign_in(client, make_admin())
    value = CASES[tag]
    query = f"q={value}&author={value}&category={value}" if tag.startswith("pct") else None
    response = client.get(
        path, query_string=query or {"q": value, "author": value}, follow_redirects=True
    )
    assert response.status_code in (200, 400, 404), (path, response.status_code)
