"""Who may accept solutions, mark helpful, bookmark, read revisions, tag and manage tags."""

from __future__ import annotations

import pytest

from forum import policy
from forum.models import Category, Post, Role, Thread, User, utcnow

ANON = policy.ANONYMOUS


def user(role: str = Role.MEMBER, user_id: int = 1, **fields) -> User:
    return User(
        id=user_id, role=role, password_hash="x", display_name="A", session_version=1, **fields
    )


ASKER = user(user_id=1)
ANSWERER = user(user_id=2)
BYSTANDER = user(user_id=3)
MODERATOR = user(Role.MODERATOR, user_id=4)
ADMIN = user(Role.ADMIN, user_id=5)
CATEGORY_MOD = user(user_id=6, moderated_category_ids=[20])
OTHER_CATEGORY_MOD = user(user_id=7, moderated_category_ids=[99])
DEACTIVATED_ASKER = user(user_id=1, deactivated_at=utcnow())


def thread(
    *, kind: str = "question", staff_only: bool = False, locked: bool = False, archived=False
) -> Thread:
    t = Thread(id=10, author_id=ASKER.id, is_locked=locked, reply_count=1, kind=kind)
    t.category = Category(
        id=20, is_staff_only=staff_only, slug="c", archived_at=utcnow() if archived else None
    )
    t.deleted_at = t.hidden_at = None
    return t


def reply(*, number: int = 2, author: User = ANSWERER, state: str = "", **thread_kw) -> Post:
    p = Post(id=30, thread_id=10, author_id=author.id, post_number=number)
    p.deleted_at = utcnow() if state == "deleted" else None
    p.hidden_at = utcnow() if state == "hidden" else None
    p.held_at = utcnow() if state == "held" else None
    p.thread = thread(**thread_kw)
    return p


ACCEPT = [
    (ASKER, {}, True),
    (ANSWERER, {}, False),
    (BYSTANDER, {}, False),
    (MODERATOR, {}, True),
    (ADMIN, {}, True),
    (CATEGORY_MOD, {}, True),
    (OTHER_CATEGORY_MOD, {}, False),
    (ANON, {}, False),
    (DEACTIVATED_ASKER, {}, False),
    (ASKER, {"kind": "case"}, True),
    (ASKER, {"kind": "discussion"}, False),
    (MODERATOR, {"kind": "discussion"}, False),
    (ASKER, {"number": 1}, False),
    (ASKER, {"state": "deleted"}, False),
    (ASKER, {"state": "hidden"}, False),
    (MODERATOR, {"state": "held"}, False),
    (ASKER, {"locked": True}, True),
    (ASKER, {"staff_only": True}, False),
    (MODERATOR, {"staff_only": True}, True),
    # An archived category is read-only; its moderators still moderate.
    (ASKER, {"archived": True}, False),
    (CATEGORY_MOD, {"archived": True}, True),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), ACCEPT)
def test_who_may_accept_a_solution(actor, kw, allowed):
    post = reply(**kw)
    assert policy.can_accept_solution(actor, post.thread, post) is allowed


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(ASKER, True), (MODERATOR, True), (CATEGORY_MOD, True), (ANSWERER, False), (ANON, False)],
)
def test_who_may_clear_or_change_a_solution(actor, allowed):
    assert policy.can_change_solution(actor, thread()) is allowed


HELPFUL = [
    (BYSTANDER, {}, True),
    (ASKER, {}, True),
    (ANSWERER, {}, False),  # never one's own post
    (MODERATOR, {}, True),
    (ANON, {}, False),
    (BYSTANDER, {"state": "deleted"}, False),
    (BYSTANDER, {"state": "hidden"}, False),
    (MODERATOR, {"state": "held"}, False),
    (BYSTANDER, {"staff_only": True}, False),
    (MODERATOR, {"staff_only": True}, True),
    (BYSTANDER, {"kind": "discussion"}, True),
    (BYSTANDER, {"archived": True}, False),
    (MODERATOR, {"archived": True}, False),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), HELPFUL)
def test_who_may_mark_a_post_helpful(actor, kw, allowed):
    assert policy.can_mark_helpful(actor, reply(**kw)) is allowed


REVISIONS = [
    (ANSWERER, {}, True),  # the post's author
    (ASKER, {}, False),
    (BYSTANDER, {}, False),
    (MODERATOR, {}, True),
    (ADMIN, {}, True),
    (CATEGORY_MOD, {}, True),
    (OTHER_CATEGORY_MOD, {}, False),
    (ANON, {}, False),
    (BYSTANDER, {"staff_only": True}, False),
    (ANSWERER, {"state": "hidden"}, True),
    (BYSTANDER, {"state": "hidden"}, False),
]


@pytest.mark.parametrize(("actor", "kw", "allowed"), REVISIONS)
def test_who_may_see_revisions(actor, kw, allowed):
    assert policy.can_view_revisions(actor, reply(**kw)) is allowed


@pytest.mark.parametrize(
    ("actor", "kw", "allowed"),
    [
        (BYSTANDER, {}, True),
        (ANSWERER, {}, True),
        (ANON, {}, False),
        (BYSTANDER, {"state": "deleted"}, False),
        (BYSTANDER, {"state": "held"}, False),
        (BYSTANDER, {"staff_only": True}, False),
        (BYSTANDER, {"archived": True}, True),  # a reader's own list, not a change
    ],
)
def test_who_may_bookmark(actor, kw, allowed):
    assert policy.can_bookmark(actor, reply(**kw)) is allowed


@pytest.mark.parametrize(
    ("actor", "kw", "allowed"),
    [
        (ASKER, {}, True),
        (ASKER, {"locked": True}, False),
        (MODERATOR, {"locked": True}, True),
        (ASKER, {"archived": True}, False),
        (CATEGORY_MOD, {"archived": True}, True),
        (CATEGORY_MOD, {}, True),
        (BYSTANDER, {}, False),
        (ANON, {}, False),
        (ASKER, {"staff_only": True}, False),
    ],
)
def test_who_may_change_a_threads_tags(actor, kw, allowed):
    assert policy.can_tag_thread(actor, thread(**kw)) is allowed


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(ANON, False), (BYSTANDER, False), (CATEGORY_MOD, False), (MODERATOR, True), (ADMIN, True)],
)
def test_who_may_manage_tags(actor, allowed):
    assert policy.can_manage_tags(actor) is allowed
