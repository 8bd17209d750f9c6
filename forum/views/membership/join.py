"""Ways in: asking to join, and accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from forum.extensions import limiter
from forum.forms.membership import AcceptInvitationForm, JoinRequestForm
from forum.services.membership import invitations, join_requests
from forum.services.membership.tokens import TokenInvalid
from forum.views.submission import save
from forum.web.sign_in import finish_sign_in

bp = Blueprint("join", __name__)


def _email_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_EMAIL"]


def invalid_link(message: str) -> tuple[str, int]:
    return render_template("membership/join/link_invalid.html", message=message), 400


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def register() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = JoinRequestForm()
    if save(
        form,
        lambda: join_requests.submit_join_request(email=form.email.data, **form.details()),
    ):
        return redirect(url_for("join.register_sent"))
    status = 422 if request.method == "POST" else 200
    return render_template("membership/join/register.html", form=form), status


@bp.get("/register/sent")
def register_sent() -> str:
    return render_template("membership/join/register_sent.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def invite(token: str) -> str | Response | tuple[str, int]:
    try:
        invitation = invitations.invitation_for_token(token)
    except TokenInvalid as error:
        return invalid_link(str(error))
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.display_name.data = invitation.display_name
    joined = save(
        form,
        lambda: invitations.accept_invitation(
            invitation,
            display_name=form.display_name.data,
            password=form.password.data,
            ip=request.remote_addr or "",
        ),
    )
    if joined:
        logout_user()
        finish_sign_in(joined.result, remember=False)
        return redirect(url_for("account.pledge", next=url_for("account.profile")))
    status = 422 if request.method == "POST" else 200
    return render_template("membership/join/invite.html", form=form, invitation=invitation), status
