"""Staff pages: the overview, join requests and invitations. Staff only (404 for others)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.errors import ServiceError, attach_to_form
from forum.extensions import db
from forum.forms.membership import CohortUploadForm, InviteForm, RejectJoinRequestForm
from forum.models import utcnow
from forum.policy import can_view_staff_pages
from forum.queries import members as member_queries
from forum.services.membership import invitations, join_requests
from forum.web.gates import current_pledge_version
from forum.web.paging import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")

INVITATION_STATES = ("pending", "expired", "accepted", "revoked")


@bp.before_request
def staff_only() -> None:
    if not can_view_staff_pages(current_user):
        abort(404)


@bp.get("/")
def index() -> str:
    return render_template(
        "admin/index.html",
        pending=member_queries.pending_join_request_count(),
        pledge_version=current_pledge_version(),
    )


# Join requests ------------------------------------------------------------------------------


def _requests_page(forms: dict[int, RejectJoinRequestForm] | None = None, status: int = 200):
    return render_template(
        "admin/join_requests.html",
        pending=member_queries.pending_join_requests(),
        decided=member_queries.decided_join_requests(),
        forms=forms or {},
        blank_form=RejectJoinRequestForm(formdata=None),
    ), status


@bp.get("/join-requests")
def join_requests_list() -> tuple[str, int]:
    return _requests_page()


@bp.post("/join-requests/<id:request_id>/approve")
def approve(request_id: int) -> Response | tuple[str, int]:
    join_request = member_queries.get_join_request_or_404(request_id)
    try:
        user = join_requests.approve_join_request(current_user, join_request)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.join_requests_list"))
    db.session.commit()
    flash(
        f"Approved {user.display_name}: we have emailed them a link to choose a password.",
        "success",
    )
    return redirect(url_for("admin.join_requests_list"))


@bp.post("/join-requests/<id:request_id>/reject")
def reject(request_id: int) -> Response | tuple[str, int]:
    join_request = member_queries.get_join_request_or_404(request_id)
    form = RejectJoinRequestForm()
    if form.validate_on_submit():
        try:
            join_requests.reject_join_request(current_user, join_request, form.reason.data)
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Rejected the request from {join_request.display_name}.", "success")
            return redirect(url_for("admin.join_requests_list"))
    return _requests_page({join_request.id: form}, 422)


# Invitations --------------------------------------------------------------------------------


def _invitations_page(
    form: InviteForm | None = None,
    upload: CohortUploadForm | None = None,
    status: int = 200,
    results: list | None = None,
):
    state = request.args.get("state", "")
    state = state if state in INVITATION_STATES else ""
    return render_template(
        "admin/invitations.html",
        page=member_queries.invitations_page(state=state, number=page_arg()),
        state=state,
        states=INVITATION_STATES,
        form=form or InviteForm(formdata=None),
        upload=upload or CohortUploadForm(formdata=None),
        results=results,
        now=utcnow(),
    ), status


@bp.get("/invitations")
def invitations_list() -> tuple[str, int]:
    return _invitations_page()


@bp.post("/invitations")
def invite() -> Response | tuple[str, int]:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, _link = invitations.invite_member(
                current_user,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                alliance=form.alliance.data,
            )
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitation.email}.", "success")
            return redirect(url_for("admin.invitations_list"))
    return _invitations_page(form=form, status=422)


@bp.post("/invitations/import")
def import_cohort() -> tuple[str, int]:
    upload = CohortUploadForm()
    if upload.validate_on_submit():
        raw = upload.file.data.read(2 * 1024 * 1024 + 1)
        try:
            if len(raw) > 2 * 1024 * 1024:
                raise ServiceError("The file is too large: split it into files under 2 MB.", "file")
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            attach_to_form(
                upload, ServiceError("Save the file as CSV (UTF-8) and try again.", "file")
            )
        except ServiceError as error:
            attach_to_form(upload, error)
        else:
            return _import(upload, text)
    return _invitations_page(upload=upload, status=422)


def _import(upload: CohortUploadForm, text: str) -> tuple[str, int]:
    try:
        results = invitations.import_invitations(current_user, text)
    except ServiceError as error:
        attach_to_form(upload, error)
        return _invitations_page(upload=upload, status=422)
    db.session.commit()
    return _invitations_page(results=results)


@bp.post("/invitations/<id:invitation_id>/resend")
def resend(invitation_id: int) -> Response:
    invitation = member_queries.get_invitation_or_404(invitation_id)
    try:
        invitations.resend_invitation(current_user, invitation)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"A new invitation link was sent to {invitation.email}.", "success")
    return redirect(url_for("admin.invitations_list"))


@bp.post("/invitations/<id:invitation_id>/revoke")
def revoke(invitation_id: int) -> Response:
    invitation = member_queries.get_invitation_or_404(invitation_id)
    try:
        invitations.revoke_invitation(current_user, invitation)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            f"The invitation to {invitation.email} was revoked: its link no longer works.",
            "success",
        )
    return redirect(url_for("admin.invitations_list"))
