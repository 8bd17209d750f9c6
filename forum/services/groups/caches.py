"""The caches the policy reads of groups, rewritten with the rows they mirror:
``users.group_ids`` (a member's groups), ``users.verifies_answers`` (one of them verifies
answers), ``users.leads_alliance`` (one of them is of Cancer Alliance leads),
``categories.read_group_ids`` and ``post_group_ids``
(the groups a category is restricted to), and ``groups.member_count``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm.util import identity_key

from forum.extensions import db
from forum.models import Category, CategoryGroup, Group, GroupMember, User


def refresh_members(user_ids: Iterable[int]) -> None:
    """Rewrite ``group_ids`` and ``verifies_answers`` of each member named from their
    ``group_members`` rows and their groups' flags."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    groups: dict[int, list[int]] = defaultdict(list)
    verifiers: set[int] = set()
    leads: set[int] = set()
    rows = db.session.execute(
        select(
            GroupMember.user_id, GroupMember.group_id, Group.verifies_answers, Group.leads_alliance
        )
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.user_id.in_(ids))
        .order_by(GroupMember.group_id)
    )
    for user_id, group_id, verifies, lead in rows:
        groups[user_id].append(group_id)
        if verifies:
            verifiers.add(user_id)
        if lead:
            leads.add(user_id)
    values = [
        {"id": user_id, "group_ids": groups.get(user_id) or None,
         "verifies_answers": user_id in verifiers, "leads_alliance": user_id in leads}
        for user_id in ids
    ]  # fmt: skip
    db.session.execute(update(User), values)
    _expire(User, ids, "group_ids", "verifies_answers", "leads_alliance")


def refresh_categories(category_ids: Iterable[int]) -> None:
    """Rewrite each category's ``read_group_ids`` and ``post_group_ids`` from its rows."""
    for category_id in sorted(set(category_ids)):
        rows = db.session.execute(
            select(CategoryGroup.group_id, CategoryGroup.may_read, CategoryGroup.may_post)
            .where(CategoryGroup.category_id == category_id)
            .order_by(CategoryGroup.group_id)
        ).all()
        read = [row.group_id for row in rows if row.may_read]
        post = [row.group_id for row in rows if row.may_post]
        db.session.execute(
            update(Category)
            .where(Category.id == category_id)
            .values(read_group_ids=read or None, post_group_ids=post or None)
        )
        _expire(Category, [category_id], "read_group_ids", "post_group_ids")


def _expire(model: type, ids: Iterable[int], *names: str) -> None:
    """Make loaded objects read the rewritten caches again (bulk updates skip them)."""
    for row_id in ids:
        loaded = db.session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:
            db.session.expire(loaded, list(names))


def recount(group: Group) -> None:
    counted = select(func.count()).where(GroupMember.group_id == group.id).scalar_subquery()
    db.session.execute(update(Group).where(Group.id == group.id).values(member_count=counted))
    db.session.expire(group, ["member_count"])
