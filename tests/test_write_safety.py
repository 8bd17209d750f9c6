"""A form sent twice makes one post; two editors of one post never overwrite each other."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Category, Post, PostRevision, Thread, User
from tests.factories import make_category, make_moderator, make_reply, make_thread, make_user
from tests.factories import sign_in as sign_in_as

TOKEN = re.compile(r'name="client_token" type="hidden" value="([^"]+)"')
EDIT_COUNT = re.compile(r'name="edit_count" type="hidden" value="(\d+)"')


def _hidden(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    assert found, "hidden field missing from the form"
    return found.group(1)


def _posts_in(thread_id: int) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).where(Post.thread_id == thread_id))


def test_reply_form_carries_a_fresh_token_each_time(app, client):
    thread = make_thread()
    sign_in_as(client, make_user())
    first = _hidden(TOKEN, client.get(f"/t/{thread.id}").get_data(as_text=True))
    second = _hidden(TOKEN, client.get(f"/t/{thread.id}").get_data(as_text=True))
    assert first != second and len(first) >= 16


def test_reply_sent_twice_is_stored_once_and_both_land_on_it(app, client):
    thread = make_thread()
    member = make_user()
    sign_in_as(client, member)
    token = _hidden(TOKEN, client.get(f"/t/{thread.id}").get_data(as_text=True))
    form = {"body": "Safety-net with a review in two weeks.", "client_token": token}
    first = client.post(f"/t/{thread.id}/reply", data=form)
    second = client.post(f"/t/{thread.id}/reply", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _posts_in(thread.id) == 2
    stored = db.session.get(Thread, thread.id)
    assert stored.reply_count == 1 and stored.last_post_number == 2
    assert db.session.get(User, member.id).post_count == 1
    assert db.session.get(Category, stored.category_id).post_count == 2


def test_same_form_with_changed_text_is_a_second_reply(app, client):
    thread = make_thread()
    sign_in_as(client, make_user())
    token = _hidden(TOKEN, client.get(f"/t/{thread.id}").get_data(as_text=True))
    client.post(f"/t/{thread.id}/reply", data={"body": "First thought.", "client_token": token})
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "Second thought.", "client_token": token}
    )
    assert response.status_code == 302
    assert _posts_in(thread.id) == 3


def test_another_member_reusing_a_token_still_posts(app, client):
    thread = make_thread()
    token = "shared-token-0123456789"
    sign_in_as(client, make_user())
    client.post(f"/t/{thread.id}/reply", data={"body": "Mine.", "client_token": token})
    other = app.test_client()
    sign_in_as(other, make_user())
    response = other.post(f"/t/{thread.id}/reply", data={"body": "Mine.", "client_token": token})
    assert response.status_code == 302
    assert _posts_in(thread.id) == 3


def test_malformed_token_rerenders_the_form_with_the_text(app, client):
    thread = make_thread()
    sign_in_as(client, make_user())
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "Kept text.", "client_token": "<bad token>"}
    )
    assert response.status_code == 422
    assert "Kept text." in response.get_data(as_text=True)
    assert _posts_in(thread.id) == 1


def test_new_thread_sent_twice_starts_one_thread(app, client):
    category = make_category()
    sign_in_as(client, make_user())
    page = client.get(f"/c/{category.slug}/new").get_data(as_text=True)
    form = {"title": "Two-week-wait audit", "body": "Who has run one?"}
    form["client_token"] = _hidden(TOKEN, page)
    first = client.post(f"/c/{category.slug}/new", data=form)
    second = client.post(f"/c/{category.slug}/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1
    assert db.session.get(Category, category.id).thread_count == 1


def _open_editor(client, post: Post) -> dict[str, str]:
    page = client.get(f"/p/{post.id}/edit").get_data(as_text=True)
    return {"edit_count": _hidden(EDIT_COUNT, page)}


def test_second_editor_gets_a_conflict_instead_of_overwriting(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author, body="Original advice.")
    moderator = app.test_client()
    sign_in_as(client, author)
    sign_in_as(moderator, make_moderator())
    authors_form = _open_editor(client, post)
    moderators_form = _open_editor(moderator, post)

    saved = moderator.post(
        f"/p/{post.id}/edit", data={**moderators_form, "body": "Moderator wording."}
    )
    assert saved.status_code == 302
    refused = client.post(f"/p/{post.id}/edit", data={**authors_form, "body": "Author wording."})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else saved a change to this post" in page
    assert "Author wording." in page  # their text is kept in the form
    assert "Moderator wording." in page  # and the post as it is now is shown
    db.session.commit()
    assert db.session.get(Post, post.id).body_source == "Moderator wording."
    assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 1


def test_saving_again_after_a_conflict_replaces_the_newer_text(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author, body="Original advice.")
    sign_in_as(client, author)
    stale = _open_editor(client, post)
    client.post(f"/p/{post.id}/edit", data={**stale, "body": "First edit."})
    refused = client.post(f"/p/{post.id}/edit", data={**stale, "body": "Second edit."})
    assert refused.status_code == 409
    fresh = {"edit_count": _hidden(EDIT_COUNT, refused.get_data(as_text=True))}
    assert fresh["edit_count"] == "1"
    again = client.post(f"/p/{post.id}/edit", data={**fresh, "body": "Second edit."})
    assert again.status_code == 302
    db.session.commit()
    stored = db.session.get(Post, post.id)
    assert (stored.body_source, stored.edit_count) == ("Second edit.", 2)


def test_edit_without_a_base_still_saves(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author, body="Original advice.")
    sign_in_as(client, author)
    assert client.post(f"/p/{post.id}/edit", data={"body": "Plain save."}).status_code == 302
    db.session.commit()
    assert db.session.get(Post, post.id).edit_count == 1
