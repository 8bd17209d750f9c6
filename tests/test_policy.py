"""The permission policy as a table, without HTTP or a database."""

from __future__ import annotations

import pytest

from forum import policy
from forum.models import Category, Post, Role, Thread, User, utcnow

ANON = policy.ANONYMOUS


def user(role: str = Role.MEMBER, user_id: int = 1, **fields) -> User:
    return User(
        id=user_id, role=role, password_hash="x", display_name="A", session_version=1, **fields
    )


MEMBER = user(user_id=1)
OTHER = user(user_id=2)
MODERATOR = user(Role.MODERATOR, user_id=3)
ADMIN = user(Role.ADMIN, user_id=4)
DEACTIVATED = user(user_id=5, deactivated_at=utcnow())
INVITED = User(id=6, role=Role.MEMBER, password_hash=None, display_name="I", session_version=1)


def thread(
    *,
    staff_only: bool = False,
    locked: bool = False,
    replies: int = 0,
    deleted=False,
    archived: bool = False,
) -> Thread:
    t = Thread(id=10, author_id=MEMBER.id, is_locked=locked, reply_count=replies)
    t.category = Category(
        id=20, is_staff_only=staff_only, slug="c", archived_at=utcnow() if archived else None
    )
    t.deleted_at = utcnow() if deleted else None
    return t


def post(*, author: User = MEMBER, number: int = 2, deleted: bool = False, **thread_kw) -> Post:
    p = Post(id=30, author_id=author.id, post_number=number)
    p.deleted_at = utcnow() if deleted else None
    p.thread = thread(**thread_kw)
    return p


VIEW_THREAD = [
    (ANON, {}, False),
    (INVITED, {}, False),
    (DEACTIVATED, {}, False),
    (MEMBER, {}, True),
    (MEMBER, {"staff_only": True}, False),
    (MODERATOR, {"staff_only": True}, True),
    (ADMIN, {"staff_only": True}, True),
    (MEMBER, {"deleted": True}, False),
    (MEMBER, {"archived": True}, True),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), VIEW_THREAD)
def test_who_may_view_a_thread(actor, kw, allowed):
    assert policy.can_view_thread(actor, thread(**kw)) is allowed


REPLY = [
    (ANON, {}, False),
    (MEMBER, {}, True),
    (MEMBER, {"locked": True}, False),
    (MODERATOR, {"locked": True}, True),
    (MEMBER, {"staff_only": True}, False),
    (DEACTIVATED, {}, False),
    # An archived category is read-only for everyone, staff included.
    (MEMBER, {"archived": True}, False),
    (MODERATOR, {"archived": True}, False),
    (ADMIN, {"archived": True}, False),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), REPLY)
def test_who_may_reply(actor, kw, allowed):
    assert policy.can_reply(actor, thread(**kw)) is allowed


EDIT = [
    (ANON, {}, False),
    (MEMBER, {}, True),
    (OTHER, {}, False),
    (MODERATOR, {}, True),
    (ADMIN, {}, True),
    (MEMBER, {"locked": True}, False),
    (MODERATOR, {"locked": True}, True),
    (MEMBER, {"deleted": True}, False),
    (MEMBER, {"staff_only": True}, False),
    (MEMBER, {"archived": True}, False),
    (MODERATOR, {"archived": True}, True),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), EDIT)
def test_who_may_edit_a_post(actor, kw, allowed):
    assert policy.can_edit_post(actor, post(**kw)) is allowed


DELETE = [
    (ANON, {}, False),
    (MEMBER, {}, True),
    (OTHER, {}, False),
    (MODERATOR, {}, True),
    (MEMBER, {"number": 1, "replies": 0}, True),
    (MEMBER, {"number": 1, "replies": 3}, False),
    (MODERATOR, {"number": 1, "replies": 3}, True),
    (MEMBER, {"locked": True}, False),
    (MEMBER, {"deleted": True}, False),
    (MEMBER, {"archived": True}, False),
    (MODERATOR, {"archived": True}, True),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), DELETE)
def test_who_may_delete_a_post(actor, kw, allowed):
    assert policy.can_delete_post(actor, post(**kw)) is allowed


@pytest.mark.parametrize(
    ("actor", "kw", "allowed"),
    [
        (ANON, {}, False),
        (MEMBER, {}, True),
        (MEMBER, {"is_staff_only": True}, False),
        (MODERATOR, {"is_staff_only": True}, True),
        (MEMBER, {"archived_at": utcnow()}, False),
        (MODERATOR, {"archived_at": utcnow()}, False),
        (ADMIN, {"archived_at": utcnow()}, False),
    ],
)
def test_who_may_start_a_thread(actor, kw, allowed):
    assert policy.can_create_thread(actor, Category(**kw)) is allowed


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(ANON, False), (DEACTIVATED, False), (MEMBER, False), (MODERATOR, False), (ADMIN, True)],
)
def test_only_admins_keep_the_categories(actor, allowed):
    assert policy.can_manage_categories(actor) is allowed


def test_require_raises_forbidden():
    from werkzeug.exceptions import Forbidden

    policy.require(True)
    with pytest.raises(Forbidden):
        policy.require(False)


def test_system_actor_is_staff_and_anonymous_is_nobody():
    assert policy.is_admin(policy.SYSTEM)
    assert not policy.is_member(ANON)
