"""A member's own posts are never unread for them: not in the thread lists, the unread list,
the home page's category counts, the "new since your last visit" marks, nor the first-unread
link. Others' posts still are."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, ThreadRead
from forum.queries import listings
from forum.queries import thread_page as thread_extras
from forum.queries.listings import ListKind
from tests.factories import (
    loaded,
    make_category,
    make_reply,
    make_thread,
    make_user,
    read_up_to,
)


def _row(user, thread):
    page = listings.thread_list(user, ListKind.LATEST, 1, 50)
    return next(row for row in page.items if row.thread.id == thread.id)


def _unread_titles(user) -> list[str]:
    return [row.thread.title for row in listings.thread_list(user, ListKind.UNREAD, 1, 50).items]


def _marker(user, thread) -> int | None:
    return db.session.scalar(
        select(ThreadRead.last_read_post_number).where(
            ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id
        )
    )


def _posts(thread) -> list[Post]:
    stmt = select(Post).where(Post.thread_id == thread.id).order_by(Post.post_number)
    return list(db.session.scalars(stmt))


def test_a_thread_a_member_starts_is_read_for_them_and_new_for_others(app):
    author, other = make_user(), make_user()
    category = make_category()
    thread = make_thread(category, author=author, title="My own question")
    assert _marker(author, thread) == 1
    assert not _row(author, thread).has_unread
    assert _unread_titles(author) == []
    assert listings.unread_by_category(author) == {}
    assert _row(other, thread).is_new
    assert listings.unread_by_category(other) == {category.id: 1}


def test_replying_to_a_thread_read_to_its_end_leaves_it_read(app):
    member = make_user()
    category = make_category()
    thread = make_thread(category, replies=2)
    read_up_to(member, thread, 3)
    make_reply(thread, author=member, body="My answer.")
    assert _marker(member, thread) == 4
    row = _row(member, thread)
    assert (row.has_unread, row.unread_count) == (False, 0)
    assert _unread_titles(member) == []
    assert listings.unread_by_category(member) == {}


def test_someone_elses_reply_after_mine_is_unread(app):
    member, other = make_user(), make_user()
    category = make_category()
    thread = make_thread(category, title="Busy thread")
    read_up_to(member, thread, 1)
    make_reply(thread, author=member)
    make_reply(thread, author=other, body="A reply to you.")
    row = _row(member, thread)
    assert (row.has_unread, row.unread_count) == (True, 1)
    assert _unread_titles(member) == ["Busy thread"]
    assert listings.unread_by_category(member) == {category.id: 1}
    assert thread_extras.first_unread_post_number(member, loaded(thread)) == 3


def test_replying_with_earlier_posts_unread_keeps_them_unread_but_not_my_own(app):
    member, other = make_user(), make_user()
    thread = make_thread(title="Catching up")
    read_up_to(member, thread, 1)
    make_reply(thread, author=other, body="Not yet read.")
    make_reply(thread, author=member, body="Replying without reading it.")
    assert _marker(member, thread) == 1  # post 2 is still unread
    row = _row(member, thread)
    assert (row.has_unread, row.unread_count) == (True, 1)
    assert thread_extras.first_unread_post_number(member, loaded(thread)) == 2
    posts = _posts(thread)
    state = thread_extras.reader_state(member, loaded(thread), [p.id for p in posts])
    assert [state.is_unread(p) for p in posts] == [False, True, False]


def test_the_new_marks_skip_my_own_posts_after_my_marker(app):
    member, other = make_user(), make_user()
    thread = make_thread(title="Marks")
    read_up_to(member, thread, 1)
    make_reply(thread, author=other)
    make_reply(thread, author=member)
    make_reply(thread, author=other)
    posts = _posts(thread)
    state = thread_extras.reader_state(member, loaded(thread), [p.id for p in posts])
    assert [state.is_unread(p) for p in posts] == [False, True, False, True]
    assert _row(member, thread).unread_count == 2


def test_a_thread_whose_only_newer_posts_are_mine_is_not_unread(app):
    """A marker behind only by the member's own posts (replies from another tab, or posts
    written before this rule) counts nothing as unread."""
    member = make_user()
    category = make_category()
    thread = make_thread(category)
    read_up_to(member, thread, 1)
    make_reply(thread, author=member)
    db.session.execute(
        ThreadRead.__table__.update()
        .where(ThreadRead.user_id == member.id)
        .values(last_read_post_number=1)
    )
    db.session.commit()
    assert not _row(member, thread).has_unread
    assert _unread_titles(member) == []
    assert listings.unread_by_category(member) == {}


def test_a_held_reply_by_someone_else_is_not_unread_until_released(app):
    from forum.services.moderation import state as moderation_state

    member, other = make_user(), make_user()
    thread = make_thread()
    read_up_to(member, thread, 1)
    held = make_reply(thread, author=other)
    held.held_at, held.held_reason = held.created_at, "New member"
    db.session.commit()
    assert not _row(member, thread).has_unread
    moderation_state.release(db.session.get(Post, held.id))
    db.session.commit()
    assert _row(member, thread).unread_count == 1


def test_the_author_of_a_held_reply_is_not_shown_it_as_unread(app):
    member = make_user()
    thread = make_thread()
    read_up_to(member, thread, 1)
    held = make_reply(thread, author=member)
    held.held_at, held.held_reason = held.created_at, "New member"
    db.session.commit()
    assert not _row(member, thread).has_unread
