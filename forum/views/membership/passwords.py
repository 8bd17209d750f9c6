"""Forgotten passwords: ask for a link, then choose a new password with it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import logout_user
from werkzeug.wrappers import Response

from forum.extensions import db, limiter
from forum.forms.membership import ResetRequestForm, SetPasswordForm
from forum.services.membership import accounts
from forum.services.membership.tokens import TokenInvalid
from forum.views.submission import save
from forum.web.sign_in import finish_sign_in

bp = Blueprint("passwords", __name__)


def _email_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_EMAIL"]


def _address_key() -> str:
    return "reset-address:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
@limiter.limit(_email_limit, key_func=_address_key, methods=["POST"])
def reset_request() -> str | tuple[str, int]:
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("membership/passwords/reset_sent.html")
    status = 422 if request.method == "POST" else 200
    return render_template("membership/passwords/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def reset(token: str) -> str | Response | tuple[str, int]:
    try:
        user = accounts.user_for_password_token(token)
    except TokenInvalid:
        message = "This link has expired or has already been used."
        return render_template(
            "membership/join/link_invalid.html", message=message, reset=True
        ), 400
    form, first_time = SetPasswordForm(), user.password_hash is None
    if save(
        form,
        lambda: accounts.reset_password(user, form.password.data, ip=request.remote_addr or ""),
    ):
        return _after_reset(user)
    status = 422 if request.method == "POST" else 200
    template = "membership/passwords/reset.html"
    return render_template(template, form=form, user=user, first_time=first_time), status


def _after_reset(user) -> Response:
    logout_user()
    if user.has_two_factor:
        flash("Your password has been changed. Sign in with it and your second factor.", "success")
        return redirect(url_for("auth.login"))
    finish_sign_in(user, remember=False)
    flash("Your password has been set and you are signed in.", "success")
    return redirect(url_for("main.index"))
