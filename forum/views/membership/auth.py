"""Signing in and out, and the member's own account security."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from forum.extensions import db, limiter
from forum.forms.auth import ChangePasswordForm, LoginForm
from forum.queries.identities import linked_accounts
from forum.services.membership import accounts
from forum.views.submission import save
from forum.web import organisation_sign_in
from forum.web.auth import signed_in_member
from forum.web.gates import needs_pledge
from forum.web.security import safe_next_url
from forum.web.sign_in import start_pending_sign_in

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "That email address and password do not match an active account."


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _account_key() -> str:
    """Throttle by the account asked for (existing or not), across every client address."""
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def login() -> str | Response:
    next_url = safe_next_url(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            form.email.data, form.password.data, ip=request.remote_addr or ""
        )
        db.session.commit()
        if user is not None and user.has_two_factor:
            start_pending_sign_in(user, remember=form.remember.data, next_url=next_url)
            return redirect(url_for("two_factor.sign_in"))
        if user is not None:
            login_user(user, remember=form.remember.data)
            if needs_pledge(user):
                return redirect(url_for("account.pledge", next=next_url))
            return redirect(next_url)
        form.form_errors.append(SIGN_IN_FAILED)
    status = 422 if request.method == "POST" else 200
    return render_template("membership/auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    # Signed in with an organisation account: end the provider's session too, if it can.
    provider_sign_out = organisation_sign_in.sign_out_url()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(provider_sign_out or url_for("auth.login"))


def _account_page(password_form: ChangePasswordForm) -> str:
    return render_template(
        "membership/auth/account.html",
        password_form=password_form,
        linked_identities=linked_accounts(current_user.id),
    )


@bp.get("/account")
def account() -> str:
    return _account_page(ChangePasswordForm())


@bp.post("/account/password")
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if save(
        form,
        lambda: accounts.change_password(
            current_user,
            signed_in_member(),
            current=form.current_password.data,
            new=form.password.data,
        ),
    ):
        login_user(current_user)
        flash("Your password has changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return _account_page(form), 422


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere() -> Response:
    accounts.end_all_sessions(current_user, signed_in_member())
    db.session.commit()
    logout_user()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("auth.login"))
