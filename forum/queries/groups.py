"""Read side of the group pages: the groups, a group's members, members to add, and which
groups each category is restricted to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Category, CategoryGroup, Group, GroupMember, User
from forum.paging import Page, offset_or_404
from forum.queries.members import like_pattern


def all_groups() -> Sequence[Group]:
    return db.session.scalars(select(Group).order_by(func.lower(Group.name), Group.id)).all()


def get_group_or_404(group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None:
        raise NotFound("There is no such group.")
    return group


def get_mentionable_group_or_404(handle: str) -> Group:
    """A group members may mention: its page is theirs to see; other groups are staff's."""
    group = find_mentionable_group(handle)
    if group is None:
        raise NotFound("There is no group with that handle.")
    return group


def find_mentionable_group(handle: str) -> Group | None:
    stmt = select(Group).where(Group.handle == handle.lower(), Group.is_mentionable.is_(True))
    return db.session.scalar(stmt)


def group_members(
    group: Group, number: int = 1, per_page: int = 50, *, listed_only: bool = False
) -> Page[User]:
    """One page of the group's members by name; ``listed_only``: only those who can sign in,
    as the member directory lists them (the staff page shows everyone)."""
    stmt = (
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id)
    )
    total = group.member_count
    if listed_only:
        stmt = stmt.where(User.deactivated_at.is_(None), User.anonymised_at.is_(None))
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    offset = offset_or_404(number, per_page, total)
    stmt = stmt.order_by(func.lower(User.display_name), User.id).offset(offset).limit(per_page)
    return Page(db.session.scalars(stmt).all(), number, per_page, total)


def members_to_add(group: Group, q: str, limit: int = 20) -> Sequence[User]:
    """Members not yet in ``group`` whose name, username or email holds ``q``."""
    q = q.strip()[:100]
    if not q:
        return []
    pattern = like_pattern(q.lstrip("@"))
    columns = (User.display_name, User.username, User.email)
    in_group = select(GroupMember.user_id).where(GroupMember.group_id == group.id)
    stmt = (
        select(User)
        .where(or_(*(func.lower(c).like(pattern, escape="\\") for c in columns)))
        .where(User.anonymised_at.is_(None), User.deactivated_at.is_(None))
        .where(User.id.not_in(in_group))
        .order_by(func.lower(User.display_name), User.id)
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


@dataclass(frozen=True)
class CategoryAccess:
    """One category as the group page shows it: may this group read or post there, and which
    groups (by name) the category's reading and posting are restricted to."""

    category: Category
    may_read: bool
    may_post: bool
    readers: tuple[str, ...]
    posters: tuple[str, ...]


def category_access(group: Group) -> list[CategoryAccess]:
    """Every category, in display order, with its restrictions as they concern ``group``."""
    readers: dict[int, list[str]] = defaultdict(list)
    posters: dict[int, list[str]] = defaultdict(list)
    mine: dict[int, CategoryGroup] = {}
    rows = db.session.execute(
        select(CategoryGroup, Group.name)
        .join(Group, Group.id == CategoryGroup.group_id)
        .order_by(func.lower(Group.name))
    )
    for row, name in rows:
        if row.may_read:
            readers[row.category_id].append(name)
        if row.may_post:
            posters[row.category_id].append(name)
        if row.group_id == group.id:
            mine[row.category_id] = row
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.name))
    return [
        CategoryAccess(
            category=c,
            may_read=bool(mine.get(c.id) and mine[c.id].may_read),
            may_post=bool(mine.get(c.id) and mine[c.id].may_post),
            readers=tuple(readers[c.id]),
            posters=tuple(posters[c.id]),
        )
        for c in categories
    ]


def restriction_counts() -> dict[int, int]:
    """For each group, how many categories name it (to read or to post)."""
    stmt = select(CategoryGroup.group_id, func.count()).group_by(CategoryGroup.group_id)
    return {group_id: count for group_id, count in db.session.execute(stmt)}
