"""Starting threads, replying, editing and deleting, through the real pages."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Category, Post, PostRevision, Thread, User
from tests.factories import (
    locked_thread,
    make_category,
    make_moderator,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    opening_post,
    sign_in,
)


def test_home_lists_categories_with_counts_and_latest_activity(client, app):
    category = make_category("Screening")
    make_thread(category, title="Bowel screening uptake", replies=2)
    sign_in(client, make_user())
    page = client.get("/").get_data(as_text=True)
    assert "Screening" in page
    assert "1 thread · 3 posts" in page
    assert "Bowel screening uptake" in page


def test_member_starts_a_thread_and_lands_on_it(client, app, reload):
    category = make_category()
    member = make_user(name="Dr Asha Patel")
    sign_in(client, member)
    response = client.post(
        f"/c/{category.slug}/new", data={"title": "FIT under 10 but worried", "body": "What next?"}
    )
    assert response.status_code == 302
    reload()
    thread = db.session.scalars(select(Thread)).one()
    assert response.location == f"/t/{thread.id}/fit-under-10-but-worried"
    page = client.get(response.location).get_data(as_text=True)
    assert "FIT under 10 but worried" in page and "What next?" in page and "Dr Asha Patel" in page
    reload()
    assert db.session.get(Category, category.id).thread_count == 1
    assert db.session.get(User, member.id).post_count == 1


def test_reply_appears_in_the_thread_and_updates_counters(client, app, reload):
    thread = make_thread()
    replier = make_user(name="Dr Tom")
    sign_in(client, replier)
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "Have you tried **safety-netting**?"}
    )
    assert response.status_code == 302
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "<strong>safety-netting</strong>" in page
    reload()
    thread = db.session.get(Thread, thread.id)
    assert (thread.reply_count, thread.last_post_number, thread.last_poster_name) == (
        1,
        2,
        "Dr Tom",
    )
    assert db.session.get(Category, thread.category_id).post_count == 2


def test_reply_permalink_goes_to_the_right_page(client, app):
    thread = make_thread(replies=25)
    sign_in(client, make_user())
    last = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.post_number == 26)
    )
    response = client.get(f"/p/{last.id}")
    assert response.status_code == 302
    assert response.location.endswith("?page=2#post-26")
    assert b"Reply 25" in client.get(response.location.split("#")[0]).data


def test_thread_pages_are_paginated(client, app):
    thread = make_thread(replies=45)
    sign_in(client, make_user())
    assert b"Reply 19" in client.get(f"/t/{thread.id}").data
    assert b"Reply 20" not in client.get(f"/t/{thread.id}").data
    third = client.get(f"/t/{thread.id}?page=3")
    assert b"Reply 45" in third.data and b"Page 3 of 3" in third.data
    assert client.get(f"/t/{thread.id}?page=4").status_code == 404


def test_category_lists_pinned_first_then_latest_activity(client, app, reload):
    category = make_category()
    old, pinned, new = (
        make_thread(category, title=t) for t in ("Old thread", "Pinned thread", "New thread")
    )
    pinned.is_pinned = True
    db.session.commit()
    make_reply(new)
    sign_in(client, make_user())
    page = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert page.index("Pinned thread") < page.index("New thread") < page.index("Old thread")


def test_empty_reply_re_renders_with_a_message(client, app):
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(f"/t/{thread.id}/reply", data={"body": "   "})
    assert response.status_code == 422
    assert b"Write something before posting." in response.data


def test_new_thread_form_keeps_what_was_typed_when_the_title_is_missing(client, app):
    category = make_category()
    sign_in(client, make_user())
    response = client.post(
        f"/c/{category.slug}/new", data={"title": "", "body": "My long careful question"}
    )
    assert response.status_code == 422
    assert b"My long careful question" in response.data
    assert b"Give the thread a title." in response.data


def test_author_edits_and_a_revision_is_kept(client, app, reload):
    author = make_user()
    thread = make_thread(author=author, body="First version")
    post = opening_post(thread)
    sign_in(client, author)
    form = client.get(f"/p/{post.id}/edit")
    assert form.status_code == 200 and b"First version" in form.data
    response = client.post(
        f"/p/{post.id}/edit", data={"title": "A better title", "body": "Second version"}
    )
    assert response.status_code == 302
    reload()
    post = db.session.get(Post, post.id)
    assert post.body_source == "Second version" and post.edit_count == 1 and post.edited_at
    revision = db.session.scalars(select(PostRevision)).one()
    assert revision.body_source == "First version"
    assert db.session.get(Thread, thread.id).title == "A better title"
    assert b"edited" in client.get(f"/t/{thread.id}").data


def test_others_cannot_edit_or_delete(client, app):
    thread = make_thread()
    post = opening_post(thread)
    sign_in(client, make_user())
    assert client.get(f"/p/{post.id}/edit").status_code == 403
    assert client.post(f"/p/{post.id}/edit", data={"body": "x"}).status_code == 403
    assert client.post(f"/p/{post.id}/delete").status_code == 403


def test_deleting_a_reply_leaves_a_placeholder(client, app, reload):
    thread = make_thread()
    author = make_user()
    reply = make_reply(thread, author=author, body="Regrettable words")
    sign_in(client, author)
    assert client.post(f"/p/{reply.id}/delete").status_code == 302
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Regrettable words" not in page
    assert "This post was deleted." in page
    reload()
    assert db.session.get(Thread, thread.id).reply_count == 0


def test_deleting_an_unanswered_opening_post_removes_the_thread(client, app, reload):
    author = make_user()
    thread = make_thread(author=author)
    sign_in(client, author)
    assert client.post(f"/p/{opening_post(thread).id}/delete").status_code == 302
    assert client.get(f"/t/{thread.id}").status_code == 404
    reload()
    assert db.session.get(Category, thread.category_id).thread_count == 0


def test_locked_thread_refuses_member_replies_but_not_moderators(client, app):
    thread = locked_thread()
    sign_in(client, make_user())
    assert client.post(f"/t/{thread.id}/reply", data={"body": "hello"}).status_code == 403
    assert b"This thread is locked" in client.get(f"/t/{thread.id}").data
    moderator_client = app.test_client()
    sign_in(moderator_client, make_moderator())
    assert (
        moderator_client.post(f"/t/{thread.id}/reply", data={"body": "Locked, sorry."}).status_code
        == 302
    )


def test_staff_only_category_is_invisible_to_members_everywhere(client, app):
    staff = make_staff_category(name="Staff planning")
    thread = make_thread(staff, title="Secret rota discussion")
    post = opening_post(thread)
    member = make_user()
    sign_in(client, member)
    for url in (
        f"/c/{staff.slug}",
        f"/c/{staff.slug}/new",
        f"/t/{thread.id}",
        f"/p/{post.id}",
        f"/p/{post.id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/t/{thread.id}/reply", data={"body": "x"}).status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert "Staff planning" not in home and "Secret rota" not in home
    profile = client.get(
        f"/u/{thread.author_name and db.session.get(User, thread.author_id).username}"
    )
    assert b"Secret rota" not in profile.data


def test_moderator_sees_staff_only_category(client, app):
    staff = make_staff_category(name="Staff planning")
    make_thread(staff, title="Secret rota discussion")
    sign_in(client, make_moderator())
    assert b"Secret rota discussion" in client.get(f"/c/{staff.slug}").data


def test_profile_shows_recent_posts_and_details(client, app):
    author = make_user(name="Dr Grace", job_title="GP partner", alliance="Greater Manchester")
    make_thread(author=author, title="Grace's question here")
    sign_in(client, make_user())
    page = client.get(f"/u/{author.username}").get_data(as_text=True)
    assert "Dr Grace" in page and "GP partner" in page and "Grace&#39;s question here" in page
    assert client.get("/u/nobody-here").status_code == 404


def test_counters_match_rows_after_a_mix_of_actions(client, app, reload):
    thread = make_thread(replies=3)
    author = make_user()
    reply = make_reply(thread, author=author)
    sign_in(client, author)
    client.post(f"/p/{reply.id}/delete")
    reload()
    thread = db.session.get(Thread, thread.id)
    live = db.session.scalar(
        select(func.count()).where(Post.thread_id == thread.id, Post.deleted_at.is_(None))
    )
    assert thread.reply_count == live - 1
