"""Thread actions: lock, pin, move, rename, merge and split; counts stay equal to COUNT(*)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import AuditEntry, Category, Post, Thread, User, utcnow
from forum.services.discussions import posting as discussions
from tests.factories import (
    loaded,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    sign_in,
)


def fresh(model, row_id):
    db.session.commit()
    return db.session.get(model, row_id)


def posts_of(thread_id: int) -> list[tuple[int, int | None, str]]:
    db.session.commit()
    stmt = select(Post.post_number, Post.author_id, Post.body_source).where(
        Post.thread_id == thread_id
    )
    return list(db.session.execute(stmt.order_by(Post.post_number)).tuples())


def assert_counts_match_rows(*thread_ids: int) -> None:
    """reply_count, last_post_number, category and member counters equal COUNT(*)."""
    db.session.commit()
    for thread_id in thread_ids:
        thread = db.session.get(Thread, thread_id)
        numbers = db.session.scalars(
            select(Post.post_number).where(Post.thread_id == thread_id).order_by(Post.post_number)
        ).all()
        assert numbers == list(range(1, len(numbers) + 1)), "numbers must be 1..n, gap-free"
        assert thread.last_post_number == len(numbers)
        visible_replies = db.session.scalar(
            select(func.count())
            .select_from(Post)
            .where(
                Post.thread_id == thread_id,
                Post.post_number > 1,
                Post.deleted_at.is_(None),
                Post.hidden_at.is_(None),
                Post.held_at.is_(None),
            )
        )
        assert thread.reply_count == visible_replies
    for category in db.session.scalars(select(Category)):
        posts = db.session.scalar(
            select(func.count())
            .select_from(Post)
            .join(Thread, Post.thread_id == Thread.id)
            .where(
                Thread.category_id == category.id,
                Thread.deleted_at.is_(None),
                Thread.hidden_at.is_(None),
                Post.deleted_at.is_(None),
                Post.hidden_at.is_(None),
                Post.held_at.is_(None),
            )
        )
        threads = db.session.scalar(
            select(func.count())
            .select_from(Thread)
            .where(
                Thread.category_id == category.id,
                Thread.deleted_at.is_(None),
                Thread.hidden_at.is_(None),
            )
        )
        assert (category.post_count, category.thread_count) == (posts, threads), category.name


def reply_at(thread: Thread, author: User, body: str, minutes_ago: int) -> Post:
    post = make_reply(thread, author=author, body=body)
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes_ago))
    )
    db.session.commit()
    return post


# Lock, pin, rename, move ---------------------------------------------------------------------


def test_lock_and_unlock_with_one_click(app, client):
    thread = make_thread()
    sign_in(client, make_moderator())
    page = client.get(f"/t/{thread.id}")
    locked = client.post(f"/mod/threads/{thread.id}/lock", data={"next": f"/t/{thread.id}"})
    assert b"Pin, rename, move, merge or split" in page.data
    assert locked.status_code == 302 and locked.headers["Location"] == f"/t/{thread.id}"
    assert fresh(Thread, thread.id).is_locked
    member = app.test_client()
    sign_in(member, make_user())
    refused = member.post(f"/t/{thread.id}/reply", data={"body": "Too late."})
    assert refused.status_code == 403
    client.post(f"/mod/threads/{thread.id}/unlock")
    assert not fresh(Thread, thread.id).is_locked


def test_pin_in_category_or_site_wide(app, client):
    thread = make_thread(title="An important announcement")
    sign_in(client, make_moderator())
    assert (
        client.post(f"/mod/threads/{thread.id}/pin", data={"pin-scope": "site"}).status_code == 302
    )
    thread = fresh(Thread, thread.id)
    assert thread.is_pinned and thread.is_pinned_globally
    home = client.get("/")
    assert b"Pinned by the moderators" in home.data and b"An important announcement" in home.data
    client.post(f"/mod/threads/{thread.id}/pin", data={"pin-scope": "category"})
    thread = fresh(Thread, thread.id)
    assert thread.is_pinned and not thread.is_pinned_globally
    client.post(f"/mod/threads/{thread.id}/unpin")
    assert not fresh(Thread, thread.id).is_pinned


def test_category_moderators_cannot_pin_site_wide(app, client):
    category = make_category()
    thread = make_thread(category)
    sign_in(client, make_category_moderator(category))
    assert (
        client.post(f"/mod/threads/{thread.id}/pin", data={"pin-scope": "site"}).status_code == 403
    )
    assert (
        client.post(f"/mod/threads/{thread.id}/pin", data={"pin-scope": "category"}).status_code
        == 302
    )
    thread = fresh(Thread, thread.id)
    assert thread.is_pinned and not thread.is_pinned_globally


def test_rename_records_before_and_after(app, client):
    thread = make_thread(title="Old title here")
    sign_in(client, make_moderator())
    too_short = client.post(f"/mod/threads/{thread.id}/rename", data={"rename-title": "Hi"})
    renamed = client.post(
        f"/mod/threads/{thread.id}/rename",
        data={"rename-title": "A clearer title", "rename-reason": "Clarity"},
    )
    assert too_short.status_code == 422 and b"Hi" in too_short.data
    assert renamed.status_code == 302
    assert fresh(Thread, thread.id).title == "A clearer title"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "thread.rename")).one()
    assert entry.before == {"title": "Old title here"} and entry.after == {
        "title": "A clearer title"
    }


def test_move_recounts_both_categories(app, client):
    source, destination = make_category(name="Source"), make_category(name="Destination")
    thread = make_thread(source, replies=3)
    make_thread(source)
    sign_in(client, make_moderator())
    response = client.post(f"/mod/threads/{thread.id}/move", data={"move-category": destination.id})
    assert response.status_code == 302
    assert fresh(Thread, thread.id).category_id == destination.id
    source, destination = fresh(Category, source.id), fresh(Category, destination.id)
    assert (source.thread_count, source.post_count) == (1, 1)
    assert (destination.thread_count, destination.post_count) == (1, 4)
    assert_counts_match_rows(thread.id)


def test_category_moderators_move_only_between_their_categories(app, client):
    mine, also_mine, other = make_category(), make_category(), make_category()
    thread = make_thread(mine)
    sign_in(client, make_category_moderator(mine, also_mine))
    assert (
        client.post(f"/mod/threads/{thread.id}/move", data={"move-category": other.id}).status_code
        == 422
    )
    assert fresh(Thread, thread.id).category_id == mine.id
    assert (
        client.post(
            f"/mod/threads/{thread.id}/move", data={"move-category": also_mine.id}
        ).status_code
        == 302
    )


# Merge ---------------------------------------------------------------------------------------


def test_merge_keeps_every_post_author_and_time_order(app, client):
    alice, bob, carol = make_user(name="Alice"), make_user(name="Bob"), make_user(name="Carol")
    target = make_thread(author=alice, title="Target thread", body="Target opening")
    source = make_thread(author=bob, title="Source thread", body="Source opening")
    db.session.execute(
        update(Post)
        .where(Post.thread_id == target.id)
        .values(created_at=utcnow() - timedelta(minutes=100))
    )
    db.session.execute(
        update(Post)
        .where(Post.thread_id == source.id)
        .values(created_at=utcnow() - timedelta(minutes=90))
    )
    db.session.commit()
    reply_at(target, carol, "T reply at 80", 80)
    reply_at(source, alice, "S reply at 70", 70)
    reply_at(target, bob, "T reply at 60", 60)
    reply_at(source, carol, "S reply at 50", 50)
    before = {(a, b) for _, a, b in posts_of(target.id) + posts_of(source.id)}
    sign_in(client, make_moderator())

    response = client.post(
        f"/mod/threads/{source.id}/merge", data={"merge-target": f"http://x/t/{target.id}/slug"}
    )

    assert response.status_code == 302
    merged = posts_of(target.id)
    assert {(a, b) for _, a, b in merged} == before
    assert [body for _, _, body in merged] == [
        "Target opening",
        "Source opening",
        "T reply at 80",
        "S reply at 70",
        "T reply at 60",
        "S reply at 50",
    ]
    assert posts_of(source.id) == []
    assert fresh(Thread, source.id).deleted_at is not None
    assert fresh(Thread, target.id).reply_count == 5
    assert_counts_match_rows(target.id)
    assert client.get(f"/t/{source.id}").headers["Location"].startswith(f"/t/{target.id}")


def test_merge_refuses_bad_targets_without_changing_anything(app, client):
    staff_only = make_category(staff_only=True)
    hidden_target = make_thread(staff_only)
    category = make_category()
    source = make_thread(category, replies=2)
    outside = make_thread(make_category())
    sign_in(client, make_category_moderator(category))
    for target in ("nonsense", str(source.id), str(hidden_target.id), str(outside.id), "99999"):
        response = client.post(f"/mod/threads/{source.id}/merge", data={"merge-target": target})
        assert response.status_code == 422, target
    assert len(posts_of(source.id)) == 3
    assert_counts_match_rows(source.id)


def test_merge_with_hidden_and_deleted_posts_keeps_counts_right(app, client):
    target = make_thread(replies=2)
    source = make_thread(replies=3)
    doomed = make_reply(source)
    discussions.delete_post(db.session.get(User, doomed.author_id), loaded_post(doomed.id))
    db.session.commit()
    second = db.session.scalar(
        select(Post.id).where(Post.thread_id == source.id, Post.post_number == 2)
    )
    sign_in(client, make_moderator())
    client.post(f"/mod/posts/{second}/hide", data={"hide-reason": "Off topic"})
    client.post(f"/mod/threads/{source.id}/merge", data={"merge-target": str(target.id)})
    assert len(posts_of(target.id)) == 3 + 5
    assert fresh(Post, second).hidden_at is not None
    # its own two, the source opening post and two of its replies (one hidden, one deleted)
    assert fresh(Thread, target.id).reply_count == 2 + 1 + 2
    assert_counts_match_rows(target.id)


def loaded_post(post_id: int) -> Post:
    from forum import queries
    from forum.policy import SYSTEM

    return queries.get_post_or_404(post_id, SYSTEM)


# Split ---------------------------------------------------------------------------------------


def test_split_moves_chosen_posts_in_order_and_renumbers_both(app, client):
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    category, other = make_category(), make_category(name="Elsewhere")
    thread = make_thread(category, author=alice, body="Opening")
    bodies = ["one", "two", "three", "four", "five"]
    posts = [make_reply(thread, author=(alice, bob)[i % 2], body=b) for i, b in enumerate(bodies)]
    chosen = [posts[1].id, posts[3].id, posts[4].id]
    sign_in(client, make_moderator())

    page = client.get(f"/mod/threads/{thread.id}/split")
    response = client.post(
        f"/mod/threads/{thread.id}/split",
        data={"posts": chosen, "title": "Split-off discussion", "category": other.id},
    )

    assert page.status_code == 200 and b"three" in page.data
    assert response.status_code == 302
    db.session.commit()
    new = db.session.scalars(select(Thread).where(Thread.title == "Split-off discussion")).one()
    assert [(n, b) for n, _, b in posts_of(new.id)] == [(1, "two"), (2, "four"), (3, "five")]
    assert [a for _, a, _ in posts_of(new.id)] == [bob.id, bob.id, alice.id]
    assert [(n, b) for n, _, b in posts_of(thread.id)] == [(1, "Opening"), (2, "one"), (3, "three")]
    assert (new.author_id, new.category_id) == (bob.id, other.id)
    assert_counts_match_rows(thread.id, new.id)
    assert response.headers["Location"].endswith(f"/t/{new.id}")


def test_split_refuses_the_opening_post_and_empty_choices(app, client):
    thread = make_thread(replies=2)
    opening = db.session.scalars(select(Post).where(Post.post_number == 1)).one()
    sign_in(client, make_moderator())
    data = {"title": "A new thread", "category": thread.category_id}
    nothing = client.post(f"/mod/threads/{thread.id}/split", data=data)
    first = client.post(f"/mod/threads/{thread.id}/split", data={**data, "posts": [opening.id]})
    foreign = client.post(f"/mod/threads/{thread.id}/split", data={**data, "posts": [999999]})
    assert (nothing.status_code, first.status_code, foreign.status_code) == (422, 422, 422)
    assert b"opening post cannot be split off" in first.data
    assert len(posts_of(thread.id)) == 3
    assert_counts_match_rows(thread.id)


def test_a_reply_after_a_split_gets_the_next_number(app, client):
    thread = make_thread(replies=4)
    ids = db.session.scalars(
        select(Post.id).where(Post.thread_id == thread.id, Post.post_number > 3)
    ).all()
    sign_in(client, make_moderator())
    client.post(
        f"/mod/threads/{thread.id}/split",
        data={"posts": ids, "title": "Later replies", "category": thread.category_id},
    )
    reply = make_reply(loaded(fresh(Thread, thread.id)))
    assert fresh(Post, reply.id).post_number == 4
    assert_counts_match_rows(thread.id)
