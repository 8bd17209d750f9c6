"""Categories restricted to groups: the policy as a table, the SQL clause agreeing with it on
both databases, and readers of different groups never sharing a kept statement."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import policy, queries
from forum.extensions import db
from forum.models import Category, Role, Thread, User, utcnow
from forum.policy import visibility_shape
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_group,
    make_moderator,
    make_thread,
    make_user,
    restrict_category,
)

GROUP_A, GROUP_B = 1, 2


def actor(role: str = Role.MEMBER, *groups: int, user_id: int = 1, **fields) -> User:
    return User(id=user_id, role=role, password_hash="x", display_name="A", session_version=1,
                group_ids=list(groups) or None, **fields)  # fmt: skip


def category(read=None, post=None, *, staff_only: bool = False) -> Category:
    return Category(id=20, slug="c", is_staff_only=staff_only, read_group_ids=read,
                    post_group_ids=post)  # fmt: skip


def thread_in(cat: Category) -> Thread:
    thread = Thread(id=10, author_id=99, is_locked=False, reply_count=0)
    thread.category, thread.deleted_at, thread.hidden_at = cat, None, None
    return thread


IN_A, IN_B, IN_NONE = actor(Role.MEMBER, GROUP_A), actor(Role.MEMBER, GROUP_B), actor()
MODERATOR, ADMIN = actor(Role.MODERATOR), actor(Role.ADMIN)
DEACTIVATED_IN_A = actor(Role.MEMBER, GROUP_A, deactivated_at=utcnow())

# (who, category, may read, may start a thread)
TABLE = [
    (IN_NONE, category(), True, True),
    (IN_A, category(), True, True),
    (IN_A, category(read=[GROUP_A]), True, True),
    (IN_B, category(read=[GROUP_A]), False, False),
    (IN_NONE, category(read=[GROUP_A]), False, False),
    (actor(Role.MEMBER, GROUP_A, GROUP_B), category(read=[GROUP_B]), True, True),
    (IN_B, category(read=[GROUP_A, GROUP_B]), True, True),
    (IN_NONE, category(post=[GROUP_A]), True, False),
    (IN_A, category(post=[GROUP_A]), True, True),
    (IN_B, category(post=[GROUP_A]), True, False),
    (IN_A, category(read=[GROUP_A, GROUP_B], post=[GROUP_B]), True, False),
    (IN_A, category(staff_only=True), False, False),
    (IN_A, category(read=[GROUP_A], staff_only=True), False, False),
    (MODERATOR, category(read=[GROUP_A], post=[GROUP_A]), True, True),
    (ADMIN, category(read=[GROUP_A], post=[GROUP_A]), True, True),
    (DEACTIVATED_IN_A, category(read=[GROUP_A]), False, False),
    (policy.ANONYMOUS, category(), False, False),
]


@pytest.mark.parametrize(("who", "cat", "reads", "starts"), TABLE)
def test_who_may_read_and_post_in_a_restricted_category(who, cat, reads, starts):
    assert policy.can_view_category(who, cat) is reads
    assert policy.can_view_thread(who, thread_in(cat)) is reads
    assert policy.can_create_thread(who, cat) is starts
    assert policy.can_reply(who, thread_in(cat)) is starts


def test_a_category_moderator_outside_the_posting_groups_may_still_reply():
    moderator = actor(Role.MEMBER, GROUP_A, moderated_category_ids=[20])
    cat = category(read=[GROUP_A], post=[GROUP_B])
    assert policy.can_reply(moderator, thread_in(cat))


def test_the_groups_are_part_of_the_snapshot_and_its_shape():
    snapshot = policy.ActorSnapshot.of(actor(Role.MEMBER, GROUP_B, GROUP_A))
    assert snapshot.group_ids == frozenset({GROUP_A, GROUP_B})
    assert visibility_shape(IN_A) != visibility_shape(IN_B)
    assert visibility_shape(IN_A) == visibility_shape(actor(Role.MEMBER, GROUP_A, user_id=7))
    assert visibility_shape(DEACTIVATED_IN_A).group_ids == frozenset()


# The SQL clause, on both databases ------------------------------------------------------------


@pytest.fixture
def world(app):
    reader_a, reader_b, outsider = (make_user(name=n) for n in ("Ann A", "Ben B", "Out Sider"))
    group_a = make_group("Group A", members=(reader_a,))
    group_b = make_group("Group B", members=(reader_b,))
    open_ = make_category("Open to all")
    for_a = restrict_category(make_category("Only A"), read=(group_a,))
    for_b = restrict_category(make_category("Only B"), read=(group_b,))
    for_both = restrict_category(make_category("A and B"), read=(group_a, group_b))
    post_a = restrict_category(make_category("Posting A"), post=(group_a,))
    staff = make_category("Staff room", staff_only=True)
    moderator = make_moderator()
    for cat in (open_, for_a, for_b, for_both, post_a, staff):
        make_thread(cat, title=f"In {cat.name}", author=moderator)
    people = {
        "a": reader_a, "b": reader_b, "outsider": outsider, "moderator": moderator,
        "admin": make_admin(), "category moderator": make_category_moderator(for_a),
    }  # fmt: skip
    return {k: db.session.get(User, v.id) for k, v in people.items()}


def _names(who: User) -> set[str]:
    return {c.name for c in queries.visible_categories(who)}


def test_sql_and_the_policy_agree_for_every_reader(world):
    every = db.session.scalars(select(Category)).all()
    for who in world.values():
        listed = _names(who)
        assert listed == {c.name for c in every if policy.can_view_category(who, c)}, who
    assert _names(world["a"]) == {"Open to all", "Only A", "A and B", "Posting A"}
    assert _names(world["b"]) == {"Open to all", "Only B", "A and B", "Posting A"}
    assert _names(world["outsider"]) == {"Open to all", "Posting A"}
    assert _names(world["category moderator"]) == {"Open to all", "Posting A"}
    assert len(_names(world["admin"])) == len(every)


def test_readers_of_different_groups_in_one_worker_see_only_their_own(world):
    # Same role, no moderation: only their groups tell their shapes apart, and each list is
    # built from a statement kept per shape.
    for _ in range(2):
        for who, mine, not_mine in (
            ("a", "In Only A", "In Only B"),
            ("b", "In Only B", "In Only A"),
        ):
            titles = {t.title for t in queries.latest_threads(world[who], limit=50)}
            assert mine in titles and not_mine not in titles and "In Staff room" not in titles
    outsider = {t.title for t in queries.latest_threads(world["outsider"], limit=50)}
    assert outsider == {"In Open to all", "In Posting A"}


def test_a_member_taken_out_of_the_group_loses_the_category_on_the_next_read(world, app):
    from forum.policy import SYSTEM
    from forum.queries import groups as group_queries
    from forum.services.groups import members as memberships

    group = next(g for g in group_queries.all_groups() if g.name == "Group A")
    memberships.remove_member(SYSTEM, group, world["a"])
    db.session.commit()
    reader = db.session.get(User, world["a"].id)
    assert reader.group_ids is None
    assert _names(reader) == {"Open to all", "Posting A"}
