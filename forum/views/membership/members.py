"""The member directory: search by name, practice or role; filter by alliance and role."""

from flask import Blueprint, render_template, request

from forum.alliances import ALLIANCES
from forum.queries import members as member_queries
from forum.web.paging import page_arg

bp = Blueprint("members", __name__)

ROLES = {"member": "Members", "moderator": "Moderators", "admin": "Admins"}


@bp.get("/members")
def index() -> str:
    q = request.args.get("q", "")[:100]
    alliance = request.args.get("alliance", "")
    role = request.args.get("role", "")
    alliance = alliance if alliance in ALLIANCES else ""
    role = role if role in ROLES else ""
    page = member_queries.member_directory(q=q, alliance=alliance, role=role, number=page_arg())
    return render_template(
        "membership/members/index.html",
        page=page,
        q=q,
        alliance=alliance,
        role=role,
        alliances=ALLIANCES,
        roles=ROLES,
    )
