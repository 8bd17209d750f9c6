"""Two-factor sign-in: the second sign-in step, and setting it up from the account pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.extensions import db, limiter
from forum.forms.account import EnableTwoFactorForm, PasswordConfirmForm, TwoFactorSignInForm
from forum.services.membership import two_factor
from forum.views.submission import save
from forum.web.auth import signed_in_member
from forum.web.gates import needs_pledge
from forum.web.security import safe_next_url
from forum.web.sign_in import count_failed_try, finish_sign_in, pending_sign_in

bp = Blueprint("two_factor", __name__)

SETUP_KEY = "2fa_setup_secret"


def _limit() -> str:
    return current_app.config["RATELIMIT_TWO_FACTOR"]


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def sign_in() -> str | Response | tuple[str, int]:
    pending = pending_sign_in()
    if pending is None:
        flash("Your sign-in timed out. Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    user, state = pending
    form = TwoFactorSignInForm()
    if form.validate_on_submit():
        ok = two_factor.verify_second_factor(user, form.code.data, ip=request.remote_addr or "")
        db.session.commit()
        if ok:
            finish_sign_in(user, remember=state.get("r", False))
            next_url = safe_next_url(state.get("n"), url_for("main.index"))
            if needs_pledge(user):
                return redirect(url_for("account.pledge", next=next_url))
            return redirect(next_url)
        if not count_failed_try():
            flash("Too many wrong codes. Please sign in again.", "error")
            return redirect(url_for("auth.login"))
        form.code.errors = ["That code did not work. Try the current code, or a recovery code."]
    status = 422 if request.method == "POST" else 200
    return render_template("membership/two_factor/sign_in.html", form=form), status


def _setup_page(form: EnableTwoFactorForm, status: int = 200) -> tuple[str, int]:
    secret = session.get(SETUP_KEY) or two_factor.new_secret()
    session[SETUP_KEY] = secret
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "membership/two_factor/setup.html",
        form=form,
        secret=secret,
        qr=two_factor.qr_code_data_uri(uri),
        next_url=_next_url(),
        required=two_factor.must_keep_two_factor(current_user),
    ), status


def _next_url() -> str:
    return safe_next_url(request.args.get("next"), "")


@bp.get("/account/2fa")
def setup() -> str | tuple[str, int]:
    if current_user.has_two_factor and not request.args.get("replace"):
        return render_template(
            "membership/two_factor/manage.html",
            remaining=two_factor.remaining_recovery_codes(current_user),
            password_form=PasswordConfirmForm(),
            required=two_factor.must_keep_two_factor(current_user),
        )
    if not request.args.get("keep"):
        session.pop(SETUP_KEY, None)
    return _setup_page(EnableTwoFactorForm())


@bp.post("/account/2fa")
@limiter.limit(_limit)
def enable() -> str | tuple[str, int]:
    form, secret = EnableTwoFactorForm(), session.get(SETUP_KEY)
    if secret is None:
        form.form_errors.append("The set-up expired: scan the new code below.")
        return _setup_page(form, 422)
    enabled = save(
        form,
        lambda: two_factor.enable_two_factor(
            current_user, signed_in_member(), secret=secret, code=form.code.data
        ),
    )
    if enabled:
        session.pop(SETUP_KEY, None)
        return _codes_page(enabled.result, "Two-factor sign-in is on")
    return _setup_page(form, 422)


def _codes_page(codes: list[str], heading: str) -> str:
    return render_template(
        "membership/two_factor/recovery_codes.html",
        codes=codes,
        heading=heading,
        next_url=_next_url(),
    )


@bp.post("/account/2fa/recovery-codes")
def new_recovery_codes() -> str | tuple[str, int]:
    form = PasswordConfirmForm()
    renewed = save(
        form,
        lambda: two_factor.regenerate_recovery_codes(
            current_user, signed_in_member(), password=form.password.data
        ),
    )
    if renewed:
        return _codes_page(renewed.result, "New recovery codes")
    return _manage_with_errors(form)


@bp.post("/account/2fa/disable")
def disable() -> Response | tuple[str, int]:
    form = PasswordConfirmForm()
    if save(
        form,
        lambda: two_factor.disable_two_factor(
            current_user, signed_in_member(), password=form.password.data
        ),
    ):
        flash("Two-factor sign-in is off.", "success")
        return redirect(url_for("two_factor.setup"))
    return _manage_with_errors(form)


def _manage_with_errors(form: PasswordConfirmForm) -> tuple[str, int]:
    return render_template(
        "membership/two_factor/manage.html",
        remaining=two_factor.remaining_recovery_codes(current_user),
        password_form=form,
        required=two_factor.must_keep_two_factor(current_user),
    ), 422
