"""The member's own account: profile, email address, pledge, data download and deletion."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from forum.errors import ServiceError
from forum.extensions import db
from forum.forms.account import (
    ApiTokenForm,
    ChangeEmailForm,
    DeleteAccountForm,
    PledgeForm,
    ProfileForm,
)
from forum.models import utcnow
from forum.services.membership import api_tokens, profiles
from forum.services.membership import data as member_data
from forum.services.membership import pledge as pledges
from forum.services.membership.tokens import TokenInvalid
from forum.views.submission import save
from forum.web.auth import signed_in_member
from forum.web.gates import forget_pledge_version
from forum.web.security import safe_next_url

bp = Blueprint("account", __name__)


def _profile_page(form: ProfileForm, email_form: ChangeEmailForm, status: int = 200):
    return render_template(
        "membership/account/profile.html", form=form, email_form=email_form
    ), status


@bp.get("/account/profile")
def profile() -> tuple[str, int]:
    return _profile_page(ProfileForm(obj=current_user), ChangeEmailForm())


@bp.post("/account/profile")
def update_profile() -> BaseResponse | tuple[str, int]:
    form = ProfileForm()
    if save(form, lambda: _update_profile(form)):
        flash("Your profile has been saved.", "success")
        return redirect(url_for("account.profile"))
    return _profile_page(form, ChangeEmailForm(), 422)


def _update_profile(form: ProfileForm) -> None:
    fields = {name: getattr(form, name).data for name in profiles.PROFILE_FIELDS}
    profiles.update_profile(
        current_user,
        signed_in_member(),
        display_name=form.display_name.data,
        username=form.username.data,
        pii_confirmed=form.pii_confirmations(),
        **fields,
    )


@bp.post("/account/email")
def change_email() -> BaseResponse | tuple[str, int]:
    form = ChangeEmailForm()
    if save(
        form,
        lambda: profiles.request_email_change(
            current_user, signed_in_member(), new_email=form.email.data, password=form.password.data
        ),
    ):
        flash(
            f"We have sent a link to {form.email.data}. Your address changes when you use it.",
            "success",
        )
        return redirect(url_for("account.profile"))
    return _profile_page(ProfileForm(obj=current_user), form, 422)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> str | BaseResponse | tuple[str, int]:
    if request.method == "GET":
        return render_template("membership/account/verify_email.html", token=token)
    try:
        profiles.confirm_email_change(token, ip=request.remote_addr or "")
    except TokenInvalid:
        message = "This link has expired or has already been used."
        return render_template("membership/join/link_invalid.html", message=message), 400
    except ServiceError as error:
        return render_template("membership/join/link_invalid.html", message=error.message), 400
    db.session.commit()
    flash("Your email address has been changed.", "success")
    return redirect(url_for("account.profile" if current_user.is_authenticated else "auth.login"))


@bp.route("/pledge", methods=["GET", "POST"])
def pledge() -> str | BaseResponse | tuple[str, int]:
    next_url = safe_next_url(request.args.get("next"), url_for("main.index"))
    current = pledges.current_pledge()
    if current is None:
        return redirect(next_url)
    form = PledgeForm(version=str(current.version))
    if save(
        form, lambda: pledges.accept_pledge(current_user, signed_in_member(), _version_sent(form))
    ):
        forget_pledge_version()
        flash("Thank you for accepting the pledge.", "success")
        return redirect(next_url)
    form.version.data = str(current.version)
    status = 422 if request.method == "POST" else 200
    accepted = current_user.pledge_version == current.version
    return render_template(
        "membership/account/pledge.html", form=form, pledge=current, accepted=accepted
    ), status


def _version_sent(form: PledgeForm) -> int:
    """The version of the pledge the member agreed to (-1 when the form sent no number)."""
    return int(form.version.data) if form.version.data.isdigit() else -1


@bp.get("/account/data")
def data() -> str:
    return render_template("membership/account/data.html", delete_form=DeleteAccountForm())


@bp.post("/account/export")
def export() -> Response:
    archive = member_data.export_member_data(current_user, signed_in_member())
    db.session.commit()
    filename = f"forum-data-{current_user.username}.zip"
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/account/delete")
def delete() -> BaseResponse | tuple[str, int]:
    form = DeleteAccountForm()
    if save(
        form,
        lambda: member_data.delete_own_account(
            current_user, signed_in_member(), password=form.password.data
        ),
    ):
        logout_user()
        flash("Your account has been deleted. Your posts now show as a former member's.")
        return redirect(url_for("auth.login"))
    return render_template("membership/account/data.html", delete_form=form), 422


# Personal access tokens for the JSON API ------------------------------------------------------


def _tokens_page(form: ApiTokenForm, status: int = 200, new_secret: str | None = None):
    member = signed_in_member()
    return render_template(
        "membership/account/tokens.html",
        form=form,
        tokens=api_tokens.tokens_of(member),
        now=utcnow(),
        new_secret=new_secret,
    ), status


def _token_form() -> ApiTokenForm:
    return ApiTokenForm.offering(api_tokens.allowed_scopes(current_user))


@bp.get("/account/tokens")
def tokens() -> tuple[str, int]:
    return _tokens_page(_token_form())


@bp.post("/account/tokens")
def create_token() -> tuple[str, int]:
    form = _token_form()
    made = save(
        form,
        lambda: api_tokens.create_token(
            current_user,
            signed_in_member(),
            name=form.name.data,
            scopes=list(form.scopes.data or []),
            expires_in_days=form.expires_in_days(),
        ),
    )
    if made:
        # Shown once, in this response only: never flashed (a flash sits in the session cookie).
        return _tokens_page(_token_form(), 200, new_secret=made.result.secret)
    return _tokens_page(form, 422)


@bp.post("/account/tokens/<id:token_id>/revoke")
def revoke_token(token_id: int) -> BaseResponse:
    if save(None, lambda: api_tokens.revoke_token(current_user, signed_in_member(), token_id)):
        flash("The token is revoked: it stops working at once.", "success")
    return redirect(url_for("account.tokens"))
