"""Groups of members, and the categories restricted to chosen groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class Group(Base):
    """A named set of members: a region's GPs, the clinical reviewers, a cohort."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: Lower-case, unique across groups and usernames: ``@handle`` mentions the group.
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Members may write ``@handle`` to notify the group's members who can read the thread.
    is_mentionable: Mapped[bool] = mapped_column(default=False)
    #: Its members may mark accepted answers as checked by a clinical lead ("Clinical
    #: reviewers").
    verifies_answers: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Its members are Cancer Alliance leads: /insight shows each their own alliance.
    leads_alliance: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Written only by forum/services/groups.py, with the memberships.
    member_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Group {self.id} @{self.handle}>"


class GroupMember(Base):
    """One member in one group (``users.group_ids`` caches these)."""

    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by_name: Mapped[str] = mapped_column(String(80), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CategoryGroup(Base):
    """A group named on a category's read list, post list, or both.

    A category with no group that may read is open to every member; once one is named, only
    that group's members (and staff) see it. Likewise for posting, among those who may read.
    ``categories.read_group_ids`` and ``post_group_ids`` cache these rows for the policy.
    """

    __tablename__ = "category_groups"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    may_read: Mapped[bool] = mapped_column(default=False)
    may_post: Mapped[bool] = mapped_column(default=False)
