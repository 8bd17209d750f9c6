"""Post actions: hide and restore with a reason, delete, staff edit, and purge for admins."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Category,
    ModerationItem,
    ModerationMessage,
    Post,
    PostRevision,
    Thread,
    User,
)
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    sign_in,
)


def fresh(model, row_id):
    db.session.commit()
    return db.session.get(model, row_id)


def test_hide_and_restore_with_reasons_the_author_sees(app, client):
    author = make_user()
    thread = make_thread(replies=1)
    post = make_reply(thread, author=author, body="A hot take.")
    sign_in(client, make_moderator())

    page = client.get(f"/mod/posts/{post.id}")
    hidden = client.post(f"/mod/posts/{post.id}/hide", data={"hide-reason": "Needs a source."})

    assert page.status_code == 200 and b"A hot take." in page.data
    assert hidden.status_code == 302
    assert fresh(Post, post.id).hidden_reason == "Needs a source."
    assert fresh(Thread, thread.id).reply_count == 1
    assert fresh(User, author.id).post_count == 0
    staff_view = client.get(f"/t/{thread.id}")
    assert b"A hot take." in staff_view.data and b"Members cannot see it." in staff_view.data

    member = app.test_client()
    sign_in(member, make_user())
    assert b"A hot take." not in member.get(f"/t/{thread.id}").data
    author_client = app.test_client()
    sign_in(author_client, author)
    own = author_client.get(f"/t/{thread.id}")
    assert b"A hot take." in own.data and b"Needs a source." in own.data

    restored = client.post(
        f"/mod/posts/{post.id}/restore", data={"restore-reason": "Source added."}
    )
    assert restored.status_code == 302
    assert fresh(Post, post.id).hidden_at is None
    assert fresh(Thread, thread.id).reply_count == 2
    assert fresh(User, author.id).post_count == 1
    kinds = db.session.scalars(
        select(ModerationMessage.kind).where(ModerationMessage.user_id == author.id)
    ).all()
    assert kinds == ["post_hidden", "post_restored"]


def test_hide_needs_a_reason(app, client):
    post = make_reply(make_thread())
    sign_in(client, make_moderator())
    response = client.post(f"/mod/posts/{post.id}/hide", data={"hide-reason": "  "})
    assert response.status_code == 422 and b"Give a reason" in response.data
    assert fresh(Post, post.id).hidden_at is None


def test_delete_with_a_reason(app, client):
    author = make_user()
    thread = make_thread()
    post = make_reply(thread, author=author)
    sign_in(client, make_moderator())
    response = client.post(f"/mod/posts/{post.id}/delete", data={"delete-reason": "Duplicate."})
    assert response.status_code == 302
    assert fresh(Post, post.id).deleted_at is not None
    assert fresh(Thread, thread.id).reply_count == 0
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "post.delete")).one()
    assert entry.before == {"deleted": False, "held": False, "hidden": False}
    assert entry.after["deleted"] is True and entry.reason == "Duplicate."


def test_staff_edit_keeps_the_old_text_as_a_revision_by_the_moderator(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author, body="Original words.")
    moderator = make_moderator(name="Mod Editor")
    sign_in(client, moderator)
    no_reason = client.post(f"/mod/posts/{post.id}/edit", data={"body": "New words.", "reason": ""})
    response = client.post(
        f"/mod/posts/{post.id}/edit", data={"body": "New words.", "reason": "Removed a name."}
    )
    assert no_reason.status_code == 422 and b"New words." in no_reason.data
    assert response.status_code == 302
    db.session.commit()
    revision = db.session.scalars(select(PostRevision)).one()
    assert (revision.body_source, revision.editor_id, revision.reason) == (
        "Original words.",
        moderator.id,
        "Removed a name.",
    )
    history = client.get(f"/mod/posts/{post.id}")
    assert b"Original words." in history.data and b"Mod Editor" in history.data


def test_an_admin_purges_a_reply_and_later_posts_move_up(app, client):
    thread = make_thread(replies=3)
    posts = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.post_number)
    ).all()
    target, last = posts[2], posts[3]
    reported_post(target, reason="patient_identifier")
    sign_in(client, make_admin())
    response = client.post(
        f"/mod/posts/{target.id}/purge", data={"purge-reason": "Patient details."}
    )
    assert response.status_code == 302
    assert fresh(Post, target.id) is None
    assert fresh(Post, last.id).post_number == 3
    thread = fresh(Thread, thread.id)
    assert (thread.last_post_number, thread.reply_count) == (3, 2)
    assert db.session.scalar(select(func.count()).select_from(ModerationItem)) == 0
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "post.purge")
    ).all()


def test_purging_an_opening_post_removes_the_thread(app, client):
    category = make_category()
    thread_id = make_thread(category, replies=2).id
    make_thread(category)
    opening = db.session.scalars(
        select(Post).where(Post.thread_id == thread_id, Post.post_number == 1)
    ).one()
    sign_in(client, make_admin())
    page = client.get(f"/mod/posts/{opening.id}")
    response = client.post(f"/mod/posts/{opening.id}/purge", data={"purge-reason": "Spam."})
    assert b"the whole thread and every reply" in page.data
    assert response.status_code == 302
    assert fresh(Thread, thread_id) is None
    category = fresh(Category, category.id)
    assert (category.thread_count, category.post_count) == (1, 1)


def test_only_admins_purge(app, client):
    post = make_reply(make_thread())
    sign_in(client, make_moderator())
    assert b"Remove permanently" not in client.get(f"/mod/posts/{post.id}").data
    assert client.post(f"/mod/posts/{post.id}/purge", data={"purge-reason": "x"}).status_code == 403
    assert fresh(Post, post.id) is not None


def test_category_moderators_act_only_in_their_categories(app, client):
    mine, other = make_category(), make_category()
    here = make_reply(make_thread(mine))
    there = make_reply(make_thread(other))
    sign_in(client, make_category_moderator(mine))
    assert (
        client.post(f"/mod/posts/{here.id}/hide", data={"hide-reason": "Off topic."}).status_code
        == 302
    )
    assert (
        client.post(f"/mod/posts/{there.id}/hide", data={"hide-reason": "Off topic."}).status_code
        == 403
    )
    assert fresh(Post, there.id).hidden_at is None


def test_thread_page_marks_posts_for_moderators_and_offers_report_to_members(app, client):
    thread = make_thread(replies=1)
    post = make_reply(thread)
    reported_post(post)
    sign_in(client, make_moderator())
    staff_page = client.get(f"/t/{thread.id}")
    assert b"1 open in the queue" in staff_page.data and b"Moderate" in staff_page.data
    member = app.test_client()
    sign_in(member, make_user())
    member_page = member.get(f"/t/{thread.id}")
    assert f"/p/{post.id}/report".encode() in member_page.data
    assert b"open in the queue" not in member_page.data


def test_thread_page_stays_constant_for_moderators_and_members(app, client, count_queries):
    few, many = make_thread(), make_thread()
    make_reply(few)
    for n in range(12):
        post = make_reply(many, author=make_user())
        if n % 3 == 0:
            reported_post(post)
        if n % 4 == 0:
            reported_post(post, reason="patient_identifier")

    def statements(viewer_client, thread) -> int:
        viewer_client.get(f"/t/{thread.id}")
        with count_queries() as counter:
            assert viewer_client.get(f"/t/{thread.id}").status_code == 200
        return counter.count

    sign_in(client, make_moderator())
    member = app.test_client()
    sign_in(member, make_user())
    assert statements(client, few) == statements(client, many)
    assert statements(member, few) == statements(member, many)
    # Moderators run two more: the posts' open queue items, and the header's pending count.
    assert statements(client, many) <= statements(member, many) + 2
