"""Signing in with an organisation account (OpenID Connect), joining through one, and the
member's linked accounts (docs/organisation-sign-in.md)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from forum.errors import ServiceError
from forum.extensions import db, limiter
from forum.forms.membership import OrganisationJoinForm
from forum.models import User
from forum.services.membership import identities, join_requests
from forum.services.membership.identities import VerifiedIdentity
from forum.services.membership.identity_providers import Provider, provider_named
from forum.views.submission import save
from forum.web import organisation_sign_in as oidc
from forum.web.auth import signed_in_member
from forum.web.gates import needs_pledge
from forum.web.security import safe_next_url
from forum.web.sign_in import start_pending_sign_in

bp = Blueprint("organisation", __name__)


def _provider(name: str) -> Provider:
    provider = provider_named(name)
    if provider is None:
        abort(404)
    return provider


def refused(message: str, status: int) -> tuple[str, int]:
    return render_template("membership/organisation/refused.html", message=message), status


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.post("/login/org/<name>")
@limiter.limit(_login_limit)
def start(name: str) -> Response | tuple[str, int]:
    provider = _provider(name)
    next_url = safe_next_url(request.args.get("next"), "")
    try:
        return oidc.authorize_redirect(provider, next_url)
    except oidc.SignInRefused as refusal:
        return refused(refusal.message, 502)


@bp.get("/login/org/<name>/callback")
def callback(name: str) -> Response | tuple[str, int]:
    provider = _provider(name)
    next_url = safe_next_url(oidc.take_next_url(), "")
    try:
        identity, id_token = oidc.finish_authorization(provider)
    except oidc.SignInRefused as refusal:
        return refused(refusal.message, 400)
    if current_user.is_authenticated:
        return _link_to_current(identity)
    try:
        user = identities.member_for_identity(identity, ip=request.remote_addr or "")
    except ServiceError as refusal:
        db.session.commit()  # the failed sign-in's audit entry
        return refused(refusal.message, 403)
    db.session.commit()
    if user is None:
        oidc.remember_joining(identity)
        return redirect(url_for("organisation.join"))
    return _sign_in(user, identity, id_token, next_url)


def _sign_in(user: User, identity: VerifiedIdentity, id_token: str, next_url: str) -> Response:
    """Sign in, unless the forum's own second factor is still to be asked."""
    next_url = next_url or url_for("main.index")
    if user.has_two_factor and not identity.mfa:
        start_pending_sign_in(user, remember=False, next_url=next_url)
        oidc.remember_provider_session(user, identity, id_token)
        return redirect(url_for("two_factor.sign_in"))
    login_user(user)
    oidc.remember_provider_session(user, identity, id_token)
    if needs_pledge(user):
        return redirect(url_for("account.pledge", next=next_url))
    return redirect(next_url)


def _link_to_current(identity: VerifiedIdentity) -> Response | tuple[str, int]:
    member = signed_in_member()
    linked = save(None, lambda: identities.link_identity(member, member, identity))
    if linked:
        flash("Your organisation account is linked: you can sign in with it.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/login/org/join", methods=["GET", "POST"])
def join() -> str | Response | tuple[str, int]:
    identity = oidc.joining_identity()
    if identity is None or current_user.is_authenticated:
        flash("Your sign-in timed out. Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    provider = _provider(identity.provider)
    form = OrganisationJoinForm()
    if request.method == "GET":
        form.display_name.data = identity.display_name
    joined = save(
        form,
        lambda: join_requests.request_to_join_with_identity(identity, provider, **form.details()),
    )
    if joined:
        oidc.forget_joining()
        if joined.result is None:
            return redirect(url_for("join.register_sent"))
        login_user(joined.result)
        oidc.remember_provider_session(joined.result, identity, "")
        return redirect(url_for("account.pledge", next=url_for("account.profile")))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "membership/organisation/join.html", form=form, identity=identity, provider=provider
    ), status


@bp.post("/account/organisation/<int:link_id>/unlink")
def unlink(link_id: int) -> Response:
    if save(None, lambda: identities.unlink_identity(current_user, signed_in_member(), link_id)):
        flash("That organisation account is no longer linked.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password/remove")
def remove_password() -> Response:
    had_mfa = oidc.provider_proved_mfa(current_user)
    if save(None, lambda: identities.remove_password(current_user, signed_in_member())):
        login_user(current_user)
        oidc.keep_mfa_mark(current_user, had_mfa)
        flash(
            "Your forum password is removed: sign in with your organisation account. "
            "Other devices have been signed out.",
            "success",
        )
    return redirect(url_for("auth.account"))
