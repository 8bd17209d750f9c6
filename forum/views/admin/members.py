"""Staff pages for members (role, deactivation, two-factor reset, deletion, purge) and the
pledge."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.forms.account import PublishPledgeForm, ReasonForm, RoleForm
from forum.models import User
from forum.policy import can_view_staff_pages
from forum.queries import members as member_queries
from forum.services.membership import admin as member_admin
from forum.services.membership import pledge as pledges
from forum.services.membership import two_factor
from forum.views.submission import save
from forum.web.gates import forget_pledge_version
from forum.web.paging import page_arg

bp = Blueprint("admin_members", __name__, url_prefix="/admin")

STATES = {
    "active": "Active",
    "waiting": "Waiting to choose a password",
    "deactivated": "Deactivated",
    "deleted": "Deleted",
}
ROLES = ("member", "moderator", "admin")


@bp.before_request
def staff_only() -> None:
    if not can_view_staff_pages(current_user):
        abort(404)


@bp.get("/members")
def index() -> str:
    q = request.args.get("q", "")[:100]
    state = request.args.get("state", "")
    role = request.args.get("role", "")
    state = state if state in STATES else ""
    role = role if role in ROLES else ""
    page = member_queries.staff_member_list(q=q, state=state, role=role, number=page_arg())
    return render_template(
        "admin/members.html", page=page, q=q, state=state, role=role, states=STATES, roles=ROLES
    )


def _member_page(user: User, status: int = 200, **forms: object) -> tuple[str, int]:
    return render_template(
        "admin/member.html",
        member=user,
        role_form=forms.get("role_form") or RoleForm(formdata=None, role=user.role),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
    ), status


@bp.get("/members/<id:user_id>")
def show(user_id: int) -> tuple[str, int]:
    return _member_page(member_queries.get_member_or_404(user_id))


def _done(user: User, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("admin_members.show", user_id=user.id))


@bp.post("/members/<id:user_id>/role")
def change_role(user_id: int) -> Response | tuple[str, int]:
    user = member_queries.get_member_or_404(user_id)
    form = RoleForm()
    if save(form, lambda: member_admin.change_role(current_user, user, form.role.data)):
        return _done(user, f"{user.display_name} is now a {form.role.data}.")
    return _member_page(user, 422, role_form=form)


#: A staff action taking ``(actor, member, reason)``.
ReasonedAction = Callable[..., object]


def _act_with_reason(
    user_id: int, action: ReasonedAction, message: Callable[[User], str]
) -> Response | tuple[str, int]:
    """Load the member, run ``action`` with the reason given, then say ``message``."""
    user = member_queries.get_member_or_404(user_id)
    form = ReasonForm()
    if save(form, lambda: action(current_user, user, reason=form.reason.data or "")):
        return _done(user, message(user))
    return _member_page(user, 422, reason_form=form)


@bp.post("/members/<id:user_id>/deactivate")
def deactivate(user_id: int) -> Response | tuple[str, int]:
    return _act_with_reason(
        user_id,
        member_admin.deactivate_member,
        lambda user: f"{user.display_name} can no longer sign in.",
    )


@bp.post("/members/<id:user_id>/reactivate")
def reactivate(user_id: int) -> Response | tuple[str, int]:
    user = member_queries.get_member_or_404(user_id)
    form = ReasonForm()
    if save(form, lambda: member_admin.reactivate_member(current_user, user)):
        return _done(user, f"{user.display_name} can sign in again.")
    return _member_page(user, 422, reason_form=form)


@bp.post("/members/<id:user_id>/reset-2fa")
def reset_two_factor(user_id: int) -> Response | tuple[str, int]:
    return _act_with_reason(
        user_id,
        two_factor.reset_two_factor,
        lambda user: (
            f"Two-factor sign-in is off for {user.display_name}; they set it up again next time."
        ),
    )


@bp.post("/members/<id:user_id>/delete")
def delete_account(user_id: int) -> Response | tuple[str, int]:
    return _act_with_reason(
        user_id,
        member_admin.delete_member_account,
        lambda _user: "The account is deleted, and the member's name with it.",
    )


@bp.post("/members/<id:user_id>/purge")
def purge(user_id: int) -> Response | tuple[str, int]:
    return _act_with_reason(
        user_id,
        member_admin.purge_member_posts,
        lambda _user: "Every post by this member has been deleted.",
    )


# The confidentiality pledge -------------------------------------------------------------------


@bp.route("/pledge", methods=["GET", "POST"])
def pledge() -> str | Response | tuple[str, int]:
    current = pledges.current_pledge()
    form = PublishPledgeForm()
    if request.method == "GET":
        form.text.data = current.text if current else pledges.DEFAULT_TEXT
    else:
        published = save(form, lambda: pledges.publish_pledge(current_user, form.text.data))
        if published:
            forget_pledge_version()
            flash(f"Version {published.result.version} of the pledge is published.", "success")
            return redirect(url_for("admin_members.pledge"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/pledge.html", form=form, current=current), status
