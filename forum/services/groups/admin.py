"""Admins keep the groups: create, rename, delete, and restrict categories to them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, CategoryGroup, Group, GroupMember, User
from forum.policy import Actor, can_manage_groups, require
from forum.services import audit
from forum.services.groups import caches

NAME_MAX = 80
DESCRIPTION_MAX = 500
#: A group's handle: 3 to 30 letters, digits, hyphens or underscores (members' handles may
#: also have dots; both match the mention rule, forum.text.markup.USERNAME_PATTERN).
_HANDLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,29}")


def _clean_name(name: str, group_id: int | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Give the group a name.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Keep group names to {NAME_MAX} characters or fewer.", "name")
    clash = select(Group.id).where(func.lower(Group.name) == name.lower())
    if db.session.scalar(clash.where(Group.id != (group_id or 0))) is not None:
        raise ServiceError("There is already a group with that name.", "name")
    return name


def _clean_handle(handle: str, group_id: int | None) -> str:
    handle = (handle or "").strip().lstrip("@").lower()
    if not _HANDLE.fullmatch(handle):
        raise ServiceError(
            "A handle is 3 to 30 letters, digits, hyphens or underscores, starting with a "
            "letter or digit (for example north-east-gps).",
            "handle",
        )
    taken = select(Group.id).where(Group.handle == handle, Group.id != (group_id or 0))
    if db.session.scalar(taken) is not None:
        raise ServiceError("Another group has that handle.", "handle")
    if db.session.scalar(select(User.id).where(User.username == handle)) is not None:
        raise ServiceError("A member has that username; choose another handle.", "handle")
    return handle


def _details(group: Group) -> dict[str, object]:
    return {
        "name": group.name,
        "handle": group.handle,
        "description": group.description,
        "is_mentionable": group.is_mentionable,
        "verifies_answers": group.verifies_answers,
        "leads_alliance": group.leads_alliance,
    }


def create_group(
    actor: Actor,
    *,
    name: str,
    handle: str,
    description: str = "",
    is_mentionable: bool = False,
    verifies_answers: bool = False,
    leads_alliance: bool = False,
) -> Group:
    require(can_manage_groups(actor))
    group = Group(
        name=_clean_name(name, None),
        handle=_clean_handle(handle, None),
        description=(description or "").strip()[:DESCRIPTION_MAX],
        is_mentionable=bool(is_mentionable),
        verifies_answers=bool(verifies_answers),
        leads_alliance=bool(leads_alliance),
    )
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "group.create", target=group, after=_details(group))
    return group


def update_group(
    actor: Actor,
    group: Group,
    *,
    name: str,
    handle: str,
    description: str = "",
    is_mentionable: bool = False,
    verifies_answers: bool = False,
    leads_alliance: bool = False,
) -> Group:
    require(can_manage_groups(actor))
    before = _details(group)
    group.name = _clean_name(name, group.id)
    group.handle = _clean_handle(handle, group.id)
    group.description = (description or "").strip()[:DESCRIPTION_MAX]
    group.is_mentionable = bool(is_mentionable)
    group.verifies_answers = bool(verifies_answers)
    group.leads_alliance = bool(leads_alliance)
    db.session.flush()
    flags = ("verifies_answers", "leads_alliance")
    if any(getattr(group, flag) != before[flag] for flag in flags):
        caches.refresh_members(member_ids_of(group))
    if (after := _details(group)) != before:
        audit.record(actor, "group.update", target=group, before=before, after=after)
    return group


def member_ids_of(group: Group) -> list[int]:
    in_group = GroupMember.group_id == group.id
    return list(db.session.scalars(select(GroupMember.user_id).where(in_group)))


def restricted_category_names(group: Group) -> list[str]:
    """The categories whose read list names ``group`` (deleting it would open them)."""
    stmt = (
        select(Category.name)
        .join(CategoryGroup, CategoryGroup.category_id == Category.id)
        .where(CategoryGroup.group_id == group.id, CategoryGroup.may_read.is_(True))
        .order_by(Category.position, Category.name)
    )
    return list(db.session.scalars(stmt))


def delete_group(actor: Actor, group: Group) -> None:
    """Delete ``group`` and its memberships; refused while a category's reading depends on
    it, since taking it off could open that category to every member."""
    require(can_manage_groups(actor))
    if names := restricted_category_names(group):
        raise ServiceError(
            f"Members of “{group.name}” are the readers of {_listed(names)}. Take the group off "
            "those categories first (below, under Categories), so nobody can read them by "
            "surprise."
        )
    in_group, on_group = GroupMember.group_id == group.id, CategoryGroup.group_id == group.id
    member_ids = list(db.session.scalars(select(GroupMember.user_id).where(in_group)))
    category_ids = list(db.session.scalars(select(CategoryGroup.category_id).where(on_group)))
    before = {**_details(group), "members": len(member_ids)}
    audit.record(actor, "group.delete", target=group, before=before)
    db.session.execute(delete(GroupMember).where(in_group))
    db.session.execute(delete(CategoryGroup).where(on_group))
    db.session.delete(group)
    db.session.flush()
    caches.refresh_members(member_ids)
    caches.refresh_categories(category_ids)


def _listed(names: list[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def set_category_access(
    actor: Actor, group: Group, *, read: Iterable[int], post: Iterable[int]
) -> list[str]:
    """Name ``group`` on the read list of the categories ``read`` and the post list of those
    in ``post`` (and on no other); return what changed, in words, for the page to say."""
    require(can_manage_groups(actor))
    wanted_read, wanted_post = set(read), set(post)
    rows = db.session.scalars(select(CategoryGroup).where(CategoryGroup.group_id == group.id))
    existing = {row.category_id: row for row in rows}
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.name))
    changes: list[str] = []
    touched: list[int] = []
    for category in categories:
        row = existing.get(category.id)
        now = (category.id in wanted_read, category.id in wanted_post)
        was = (row.may_read, row.may_post) if row else (False, False)
        if now == was:
            continue
        _check_posters_can_read(group, category, now)
        _write_access(group, category, row, now)
        touched.append(category.id)
        changes.append(_describe(category, now))
        audit.record(
            actor, "category.group_access", target=category,
            before={"group": group.handle, "read": was[0], "post": was[1]},
            after={"group": group.handle, "read": now[0], "post": now[1]},
        )  # fmt: skip
    db.session.flush()
    caches.refresh_categories(touched)
    return changes


def _check_posters_can_read(group: Group, category: Category, now: tuple[bool, bool]) -> None:
    """Posting needs reading: refuse a group named to post where only other groups read."""
    other_readers = set(category.read_group_ids or ()) - {group.id}
    if now[1] and not now[0] and other_readers:
        raise ServiceError(
            f"{category.name}: only other groups may read it, so “{group.name}” could not post "
            "there. Tick “Read” as well, or untick “Post”."
        )


def _write_access(
    group: Group, category: Category, row: CategoryGroup | None, now: tuple[bool, bool]
) -> None:
    if row is None:
        db.session.add(
            CategoryGroup(category_id=category.id, group_id=group.id, may_read=now[0],
                          may_post=now[1])
        )  # fmt: skip
    elif not any(now):
        db.session.delete(row)
    else:
        row.may_read, row.may_post = now


def _describe(category: Category, now: tuple[bool, bool]) -> str:
    if now == (True, True):
        return f"{category.name}: the group may read and post"
    if now[0]:
        return f"{category.name}: the group may read"
    if now[1]:
        return f"{category.name}: the group may post"
    return f"{category.name}: the group is no longer named"
