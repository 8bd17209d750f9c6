"""Staff pages: the overview, join requests and invitations. Staff only (404 for others)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.errors import ServiceError
from forum.forms.membership import CohortUploadForm, InviteForm, RejectJoinRequestForm
from forum.models import utcnow
from forum.policy import can_view_staff_pages
from forum.queries import members as member_queries
from forum.services.membership import invitations, join_requests
from forum.views.submission import save
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
    approved = save(None, lambda: join_requests.approve_join_request(current_user, join_request))
    if approved:
        flash(
            f"Approved {approved.result.display_name}: we have emailed them a link to choose a "
            "password.",
            "success",
        )
    return redirect(url_for("admin.join_requests_list"))


@bp.post("/join-requests/<id:request_id>/reject")
def reject(request_id: int) -> Response | tuple[str, int]:
    join_request = member_queries.get_join_request_or_404(request_id)
    form = RejectJoinRequestForm()
    if save(
        form,
        lambda: join_requests.reject_join_request(current_user, join_request, form.reason.data),
    ):
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
    invited = save(
        form,
        lambda: invitations.invite_member(
            current_user,
            email=form.email.data,
            display_name=form.display_name.data,
            role=form.role.data,
            alliance=form.alliance.data,
        ),
    )
    if invited:
        invitation, _link = invited.result
        flash(f"Invitation sent to {invitation.email}.", "success")
        return redirect(url_for("admin.invitations_list"))
    return _invitations_page(form=form, status=422)


#: The largest list of invitations one upload may carry.
COHORT_MAX_BYTES = 2 * 1024 * 1024


def _cohort_text(upload: CohortUploadForm) -> str:
    raw = upload.file.data.read(COHORT_MAX_BYTES + 1)
    if len(raw) > COHORT_MAX_BYTES:
        raise ServiceError("The file is too large: split it into files under 2 MB.", "file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError("Save the file as CSV (UTF-8) and try again.", "file") from error


@bp.post("/invitations/import")
def import_cohort() -> tuple[str, int]:
    upload = CohortUploadForm()
    imported = save(
        upload, lambda: invitations.import_invitations(current_user, _cohort_text(upload))
    )
    if imported:
        return _invitations_page(results=imported.result)
    return _invitations_page(upload=upload, status=422)


@bp.post("/invitations/<id:invitation_id>/resend")
def resend(invitation_id: int) -> Response:
    invitation = member_queries.get_invitation_or_404(invitation_id)
    if save(None, lambda: invitations.resend_invitation(current_user, invitation)):
        flash(f"A new invitation link was sent to {invitation.email}.", "success")
    return redirect(url_for("admin.invitations_list"))


@bp.post("/invitations/<id:invitation_id>/revoke")
def revoke(invitation_id: int) -> Response:
    invitation = member_queries.get_invitation_or_404(invitation_id)
    if save(None, lambda: invitations.revoke_invitation(current_user, invitation)):
        flash(
            f"The invitation to {invitation.email} was revoked: its link no longer works.",
            "success",
        )
    return redirect(url_for("admin.invitations_list"))
