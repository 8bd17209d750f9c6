"""Admin actions on a group's members: add one found by name or email, add everyone of a
Cancer Alliance, add from a CSV file of email addresses (with a line-by-line report), remove.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.forms.groups import AddMemberForm, AllianceForm, ImportMembersForm
from forum.policy import can_manage_groups
from forum.queries import groups as group_queries
from forum.queries.members import get_member_or_404
from forum.services.groups import imports
from forum.services.groups import members as memberships
from forum.views.admin.groups import show_page
from forum.views.submission import save

bp = Blueprint("admin_group_members", __name__, url_prefix="/admin/groups/<id:group_id>")


@bp.before_request
def admins_only() -> None:
    if not can_manage_groups(current_user):
        abort(404)


def _back(group_id: int, **args: object) -> Response:
    return redirect(url_for("admin_groups.show", group_id=group_id, **args))


@bp.post("/members")
def add(group_id: int) -> Response | tuple[str, int]:
    group = group_queries.get_group_or_404(group_id)
    form = AddMemberForm()
    if not form.validate_on_submit() or not form.user_id.data.isdigit():
        return show_page(group, 422, add_form=form)
    user = get_member_or_404(int(form.user_id.data))
    if save(None, lambda: memberships.add_member(current_user, group, user)):
        flash(f"{user.display_name} is added to “{group.name}”.", "success")
    q = request.form.get("q", "")[:100]
    return _back(group_id, **({"q": q, "_anchor": "add"} if q else {}))


@bp.post("/members/<id:user_id>/remove")
def remove(group_id: int, user_id: int) -> Response:
    group = group_queries.get_group_or_404(group_id)
    user = get_member_or_404(user_id)
    if save(None, lambda: memberships.remove_member(current_user, group, user)):
        flash(f"{user.display_name} is no longer in “{group.name}”.", "success")
    return _back(group_id, _anchor="members")


@bp.post("/alliance")
def alliance(group_id: int) -> Response | tuple[str, int]:
    group = group_queries.get_group_or_404(group_id)
    form = AllianceForm()
    done = save(form, lambda: memberships.add_alliance(current_user, group, form.alliance.data))
    if not done or done.result is None:
        return show_page(group_queries.get_group_or_404(group_id), 422, alliance_form=form)
    added, already = done.result
    flash(_alliance_message(form.alliance.data, len(added), already), "success")
    return _back(group_id, _anchor="members")


def _alliance_message(alliance: str, added: int, already: int) -> str:
    if not added and not already:
        return f"No member has chosen {alliance} on their profile yet: nobody was added."
    people = "member" if added == 1 else "members"
    message = f"{added} {people} of {alliance} added."
    return message + (f" {already} were in the group already." if already else "")


@bp.post("/import")
def import_csv(group_id: int) -> Response | tuple[str, int]:
    group = group_queries.get_group_or_404(group_id)
    form = ImportMembersForm()
    done = save(form, lambda: imports.import_members(current_user, group, form.file.data.read()))
    if not done or done.result is None:
        return show_page(group_queries.get_group_or_404(group_id), 422, import_form=form)
    group = group_queries.get_group_or_404(group_id)
    page = render_template(
        "admin/groups/import_report.html", group=group, report=done.result, outcomes=imports
    )
    return page, 200
