"""The moderation rules as tables, without HTTP or a database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.dialects import sqlite

from forum import policy
from forum.models import Category, Post, Role, Thread, User, utcnow

ANON = policy.ANONYMOUS
HOME, OTHER = 20, 21


def user(role: str = Role.MEMBER, user_id: int = 1, **fields) -> User:
    return User(
        id=user_id, role=role, password_hash="x", display_name="A", session_version=1, **fields
    )


MEMBER = user(user_id=1)
AUTHOR = user(user_id=2)
CATEGORY_MOD = user(user_id=3, moderated_category_ids=[HOME])
OTHER_MOD = user(user_id=4, moderated_category_ids=[OTHER])
MODERATOR = user(Role.MODERATOR, user_id=5)
ADMIN = user(Role.ADMIN, user_id=6)
SILENCED = user(user_id=7, silenced_until=utcnow() + timedelta(days=1))
SILENCE_OVER = user(user_id=8, silenced_until=utcnow() - timedelta(minutes=1))
SUSPENDED = user(user_id=9, suspended_until=utcnow() + timedelta(days=1))
BANNED = user(user_id=10, banned_at=utcnow())
SUSPENDED_MOD = user(user_id=11, moderated_category_ids=[HOME],
                     suspended_until=utcnow() + timedelta(days=1))  # fmt: skip


def thread(*, category_id: int = HOME, staff_only=False, locked=False, hidden=False) -> Thread:
    t = Thread(id=10, author_id=AUTHOR.id, is_locked=locked, reply_count=1)
    t.category = Category(id=category_id, is_staff_only=staff_only, slug="c")
    t.hidden_at = utcnow() if hidden else None
    return t


def post(*, hidden=False, held=False, number=2, **thread_kw) -> Post:
    p = Post(id=30, author_id=AUTHOR.id, post_number=number)
    p.hidden_at = utcnow() if hidden else None
    p.held_at = utcnow() if held else None
    p.thread = thread(**thread_kw)
    return p


@pytest.mark.parametrize(
    ("actor", "category_id", "staff_only", "allowed"),
    [
        (ANON, HOME, False, False),
        (MEMBER, HOME, False, False),
        (CATEGORY_MOD, HOME, False, True),
        (CATEGORY_MOD, OTHER, False, False),
        (CATEGORY_MOD, HOME, True, False),  # a member cannot see a staff-only category
        (OTHER_MOD, HOME, False, False),
        (MODERATOR, HOME, True, True),
        (ADMIN, OTHER, False, True),
        (SUSPENDED_MOD, HOME, False, False),
        (policy.SYSTEM, HOME, False, True),
    ],
)
def test_who_moderates_a_category(actor, category_id, staff_only, allowed):
    category = Category(id=category_id, is_staff_only=staff_only)
    assert policy.can_moderate(actor, category) is allowed


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(ANON, False), (MEMBER, False), (CATEGORY_MOD, True), (MODERATOR, True), (BANNED, False)],
)
def test_who_may_open_the_queue(actor, allowed):
    assert policy.can_access_moderation(actor) is allowed


@pytest.mark.parametrize(
    ("actor", "active"),
    [(MEMBER, True), (SUSPENDED, False), (BANNED, False), (SILENCED, True),
     (user(suspended_until=utcnow() - timedelta(seconds=1)), True)],
)  # fmt: skip
def test_suspended_and_banned_accounts_are_inactive(actor, active):
    assert actor.is_active is active
    assert policy.is_member(actor) is active


@pytest.mark.parametrize(
    ("actor", "can_write"), [(MEMBER, True), (SILENCED, False), (SILENCE_OVER, True)]
)
def test_silenced_members_read_but_cannot_write(actor, can_write):
    t = thread()
    assert policy.can_view_thread(actor, t)
    assert policy.can_reply(actor, t) is can_write
    assert policy.can_create_thread(actor, t.category) is can_write


def test_a_silenced_author_cannot_edit_but_may_still_report():
    silenced_author = user(user_id=AUTHOR.id, silenced_until=utcnow() + timedelta(days=1))
    assert not policy.can_edit_post(silenced_author, post())
    assert policy.can_flag_post(SILENCED, post())


HIDDEN_POST = [
    (MEMBER, False),
    (AUTHOR, True),
    (CATEGORY_MOD, True),
    (OTHER_MOD, False),
    (MODERATOR, True),
]


@pytest.mark.parametrize(("actor", "sees"), HIDDEN_POST)
@pytest.mark.parametrize("state", ["hidden", "held"])
def test_hidden_and_held_posts_show_to_their_author_and_moderators(actor, sees, state):
    assert policy.can_view_post(actor, post(**{state: True})) is sees


@pytest.mark.parametrize(("actor", "sees"), HIDDEN_POST)
def test_hidden_threads_show_to_their_author_and_moderators(actor, sees):
    assert policy.can_view_thread(actor, thread(hidden=True)) is sees


@pytest.mark.parametrize(
    ("actor", "locked_reply", "edit_others", "delete_others"),
    [
        (MEMBER, False, False, False),
        (CATEGORY_MOD, True, True, True),
        (OTHER_MOD, False, False, False),
        (MODERATOR, True, True, True),
    ],
)
def test_existing_rules_use_the_category_scope(actor, locked_reply, edit_others, delete_others):
    assert policy.can_reply(actor, thread(locked=True)) is locked_reply
    assert policy.can_edit_post(actor, post()) is edit_others
    assert policy.can_delete_post(actor, post()) is delete_others


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        (MODERATOR, MEMBER, True),
        (MODERATOR, user(Role.MODERATOR, user_id=40), False),
        (MODERATOR, ADMIN, False),
        (ADMIN, MODERATOR, True),
        (ADMIN, ADMIN, False),
        (CATEGORY_MOD, MEMBER, False),
        (MEMBER, AUTHOR, False),
    ],
)
def test_who_may_sanction_whom(actor, target, allowed):
    assert policy.can_sanction_member(actor, target) is allowed


def test_category_moderators_warn_only_about_posts_they_moderate():
    assert policy.can_warn_member(CATEGORY_MOD, AUTHOR, Category(id=HOME))
    assert not policy.can_warn_member(CATEGORY_MOD, AUTHOR, Category(id=OTHER))
    assert not policy.can_warn_member(CATEGORY_MOD, AUTHOR)
    assert not policy.can_warn_member(CATEGORY_MOD, MODERATOR, Category(id=HOME))


@pytest.mark.parametrize(
    ("check", "member", "category_mod", "moderator", "admin"),
    [
        (policy.can_view_audit_log, False, False, True, True),
        (policy.can_manage_watched_words, False, False, True, True),
        (policy.can_view_member_record, False, False, True, True),
        (policy.can_assign_category_moderators, False, False, False, True),
    ],
)
def test_staff_pages(check, member, category_mod, moderator, admin):
    assert [check(a) for a in (MEMBER, CATEGORY_MOD, MODERATOR, ADMIN)] == [
        member,
        category_mod,
        moderator,
        admin,
    ]


def test_purge_is_for_admins_and_site_wide_pins_for_staff():
    assert [policy.can_purge_post(a, post()) for a in (CATEGORY_MOD, MODERATOR, ADMIN)] == [
        False,
        False,
        True,
    ]
    assert not policy.can_pin_globally(CATEGORY_MOD, thread())
    assert policy.can_pin_globally(MODERATOR, thread())


def test_moving_and_merging_need_both_categories():
    here, there = thread(), thread(category_id=OTHER)
    there.id = 11
    assert not policy.can_move_thread(CATEGORY_MOD, here, there.category)
    assert policy.can_move_thread(MODERATOR, here, there.category)
    assert not policy.can_merge_threads(CATEGORY_MOD, here, there)
    assert not policy.can_merge_threads(MODERATOR, here, here)


def _sql(clause) -> str:
    return str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_visible_posts_clause_matches_the_rule():
    assert _sql(policy.visible_posts_clause(MODERATOR)) == "1"
    member = _sql(policy.visible_posts_clause(MEMBER))
    assert "posts.hidden_at IS NULL" in member and "posts.author_id = 1" in member
    scoped = _sql(policy.visible_posts_clause(CATEGORY_MOD))
    assert "threads.category_id IN (20)" in scoped
    anonymous = _sql(policy.visible_posts_clause(ANON))
    assert "author_id" not in anonymous and "held_at IS NULL" in anonymous
