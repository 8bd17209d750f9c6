"""Admin pages for groups: the list, a group's details, and the categories it may read and
post in. Its members are changed in ``group_members``.

Admins only (404 for everyone else, like the rest of ``/admin``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from forum.forms.groups import AddMemberForm, AllianceForm, GroupForm, ImportMembersForm
from forum.models import Group
from forum.policy import can_manage_groups
from forum.queries import groups as group_queries
from forum.services.groups import admin as groups
from forum.views.submission import save
from forum.web.paging import page_arg

bp = Blueprint("admin_groups", __name__, url_prefix="/admin/groups")


@bp.before_request
def admins_only() -> None:
    if not can_manage_groups(current_user):
        abort(404)


def _details(form: GroupForm) -> dict[str, object]:
    return {
        "name": form.name.data or "",
        "handle": form.handle.data or "",
        "description": form.description.data or "",
        "is_mentionable": bool(form.is_mentionable.data),
        "verifies_answers": bool(form.verifies_answers.data),
        "leads_alliance": bool(form.leads_alliance.data),
    }


def _index_page(form: GroupForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "admin/groups/index.html",
        groups=group_queries.all_groups(),
        restricted=group_queries.restriction_counts(),
        form=form,
    )
    return page, status


@bp.get("")
def index() -> tuple[str, int]:
    return _index_page(GroupForm(formdata=None))


@bp.post("")
def create() -> Response | tuple[str, int]:
    form = GroupForm()
    added = save(form, lambda: groups.create_group(current_user, **_details(form)))
    if added and added.result is not None:
        flash(f"The group “{added.result.name}” is added. Now add its members.", "success")
        return redirect(url_for("admin_groups.show", group_id=added.result.id))
    return _index_page(form, 422)


def show_page(group: Group, status: int = 200, **forms: object) -> tuple[str, int]:
    """The group's page: members (``?q=`` finds more to add) and its categories."""
    q = request.args.get("q", "")[:100]
    page = render_template(
        "admin/groups/show.html",
        group=group,
        members=group_queries.group_members(group, page_arg()),
        q=q,
        candidates=group_queries.members_to_add(group, q),
        access=group_queries.category_access(group),
        add_form=forms.get("add_form") or AddMemberForm(formdata=None),
        alliance_form=forms.get("alliance_form") or AllianceForm(formdata=None),
        import_form=forms.get("import_form") or ImportMembersForm(formdata=None),
    )
    return page, status


@bp.get("/<id:group_id>")
def show(group_id: int) -> tuple[str, int]:
    return show_page(group_queries.get_group_or_404(group_id))


@bp.route("/<id:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: int) -> str | Response | tuple[str, int]:
    group = group_queries.get_group_or_404(group_id)
    form = GroupForm(obj=group)
    if save(form, lambda: groups.update_group(current_user, group, **_details(form))):
        flash(f"The group “{group.name}” is saved.", "success")
        return redirect(url_for("admin_groups.show", group_id=group.id))
    status = 422 if form.is_submitted() else 200
    group = group_queries.get_group_or_404(group_id)
    blockers = groups.restricted_category_names(group)
    page = render_template("admin/groups/edit.html", group=group, form=form, blockers=blockers)
    return page, status


@bp.post("/<id:group_id>/delete")
def delete(group_id: int) -> Response:
    group = group_queries.get_group_or_404(group_id)
    name = group.name
    if save(None, lambda: groups.delete_group(current_user, group)):
        flash(f"The group “{name}” is deleted.", "success")
        return redirect(url_for("admin_groups.index"))
    return redirect(url_for("admin_groups.edit", group_id=group_id))


def _category_ids(name: str) -> list[int]:
    raw = request.form.getlist(name)
    if not all(value.isascii() and value.isdigit() and len(value) < 10 for value in raw):
        raise BadRequest("The categories sent are not valid.")
    return [int(value) for value in raw]


@bp.post("/<id:group_id>/categories")
def categories(group_id: int) -> Response:
    group = group_queries.get_group_or_404(group_id)
    read, post = _category_ids("read"), _category_ids("post")
    saved = save(
        None, lambda: groups.set_category_access(current_user, group, read=read, post=post)
    )
    if saved and saved.result:
        flash("Categories saved. " + "; ".join(saved.result) + ".", "success")
    elif saved:
        flash("Nothing changed in the categories.", "info")
    return redirect(url_for("admin_groups.show", group_id=group_id, _anchor="categories"))
