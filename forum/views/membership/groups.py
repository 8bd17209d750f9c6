"""The members' page of a group they may mention: who is in it and what a mention does."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.queries import groups as group_queries
from forum.services.notifications.fanout import GROUP_MENTION_LIMIT
from forum.web.paging import page_arg

bp = Blueprint("groups", __name__)


@bp.get("/g/<handle>")
def show(handle: str) -> str:
    group = group_queries.get_mentionable_group_or_404(handle)
    members = group_queries.group_members(group, page_arg(), listed_only=True)
    return render_template(
        "membership/groups/show.html", group=group, members=members, limit=GROUP_MENTION_LIMIT
    )
