"""Who is in a group: members added one by one, from a list of email addresses, or all the
members of a Cancer Alliance; and taken out again. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from forum.alliances import is_alliance
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Group, GroupMember, User
from forum.policy import Actor, can_manage_groups, require
from forum.services import audit
from forum.services.groups import caches


def closed_reason(user: User) -> str:
    """Why ``user`` cannot be added to a group, or "" if they can."""
    if user.anonymised_at is not None:
        return "the member deleted their account"
    if user.deactivated_at is not None:
        return "the account is deactivated"
    return ""


def member_ids(group: Group) -> set[int]:
    return set(
        db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id))
    )


def add_members(actor: Actor, group: Group, users: Sequence[User], *, how: str) -> list[User]:
    """Add those of ``users`` not already in ``group``; return them. ``how`` is said in the
    audit log ("by name", "from a list", "alliance: ...")."""
    require(can_manage_groups(actor))
    present = member_ids(group)
    added = [u for u in users if u.id not in present and not closed_reason(u)]
    for user in added:
        name = getattr(actor, "display_name", "") or ""
        db.session.add(GroupMember(group_id=group.id, user_id=user.id, added_by_name=name[:80]))
    if not added:
        return added
    db.session.flush()
    caches.refresh_members(u.id for u in added)
    caches.recount(group)
    member = added[0].id if len(added) == 1 else None
    after = {"group": group.handle, "added": [u.id for u in added], "how": how}
    audit.record(actor, "group.add_members", target=group, after=after, member_id=member)
    return added


def add_member(actor: Actor, group: Group, user: User) -> User:
    """Add one member, refusing (with the reason) one who cannot be added."""
    require(can_manage_groups(actor))
    if reason := closed_reason(user):
        raise ServiceError(f"{user.display_name} cannot be added: {reason}.")
    if user.id in member_ids(group):
        raise ServiceError(f"{user.display_name} is already in “{group.name}”.")
    add_members(actor, group, [user], how="by name")
    return user


def remove_member(actor: Actor, group: Group, user: User) -> None:
    require(can_manage_groups(actor))
    removed = db.session.execute(
        delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    if not removed.rowcount:
        raise ServiceError(f"{user.display_name} is not in “{group.name}”.")
    caches.refresh_members([user.id])
    caches.recount(group)
    audit.record(
        actor, "group.remove_member", target=group, after={"group": group.handle},
        member_id=user.id,
    )  # fmt: skip


def leave_every_group(user: User) -> None:
    """Take ``user`` out of every group (their account is being deleted): no audit entry of
    its own, the deletion has one."""
    in_groups = GroupMember.user_id == user.id
    group_ids = list(db.session.scalars(select(GroupMember.group_id).where(in_groups)))
    if not group_ids:
        return
    db.session.execute(delete(GroupMember).where(in_groups))
    caches.refresh_members([user.id])
    for group in db.session.scalars(select(Group).where(Group.id.in_(group_ids))):
        caches.recount(group)


def add_alliance(actor: Actor, group: Group, alliance: str) -> tuple[list[User], int]:
    """Add every member who chose ``alliance`` on their profile; return those added and how
    many were in the group already."""
    require(can_manage_groups(actor))
    if not is_alliance(alliance):
        raise ServiceError("Choose a Cancer Alliance from the list.", "alliance")
    stmt = select(User).where(User.alliance == alliance).order_by(User.id)
    found = [u for u in db.session.scalars(stmt) if not closed_reason(u)]
    added = add_members(actor, group, found, how=f"alliance: {alliance}")
    return added, len(found) - len(added)
