"""Who is asking: session loading, the sign-in gate and the session version check."""

from __future__ import annotations

from flask import Flask, Response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from forum.errors import is_api_request, problem, wants_json
from forum.extensions import db, login_manager
from forum.models import User
from forum.policy import AnonymousActor
from forum.web.bearer import load_bearer_token
from forum.web.gates import register_gates

#: Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "main.healthz",
        "main.readyz",
        "static",
        # Closed membership: asking to join, invitations, password reset, second factor.
        "join.register",
        "join.register_sent",
        "join.invite",
        "passwords.reset_request",
        "passwords.reset",
        "two_factor.sign_in",
        "account.verify_email",
        # Organisation accounts (OpenID Connect): the provider's answer, and joining through it.
        "organisation.start",
        "organisation.callback",
        "organisation.join",
        # One-click unsubscribe from any email (RFC 8058): the signed link is the authority.
        "notification_settings.unsubscribe",
        "notification_settings.unsubscribe_now",
        # Feeds: the secret in the address stands in for the member (forum/queries/feeds.py).
        "feeds.latest",
        "feeds.category",
        "feeds.tag",
        # The site's pages: the join form links to its terms and privacy notice.
        "pages.about",
        "pages.terms",
        "pages.privacy",
        # The API's description and its reference page (no forum content in either).
        "api.openapi",
        "api.reference",
    }
)


#: Built once: every request runs it, and a statement object keeps its cache key.
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(session_id: str) -> User | None:
    """Load the user for ``id:version``; a stale version means the session was ended."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def signed_in_member() -> User:
    """The signed-in member as the real ``User``, for passing to a service as the member acted
    on (flask-login's ``current_user`` is a proxy: recorded as-is it names no one)."""
    return current_user._get_current_object()


def unauthorized() -> Response | tuple[dict, int]:
    if is_api_request():
        response = problem(401, "Send a personal access token: Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="forum"'
        return response
    if wants_json():
        return {"error": {"code": 401, "message": "Sign in to continue."}}, 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_sign_in() -> Response | tuple[dict, int] | None:
    """Gate every request but the public ones behind a signed-in, active member."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return unauthorized()
    return None


def register_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.anonymous_user = AnonymousActor
    login_manager.session_protection = "basic"
    app.before_request(load_bearer_token)
    app.before_request(require_sign_in)
    register_gates(app)
