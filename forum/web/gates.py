"""Request gates for signed-in members: staff two-factor sign-in and the pledge.

- Staff pages (every URL under ``/mod/`` and ``/admin/``) need two-factor sign-in set up when
  ``STAFF_2FA_REQUIRED`` is on: a moderator, admin or category moderator without it is sent
  to set it up first.
- A member who has not accepted the current confidentiality pledge is sent to it before
  anything else (reading included), except their own account pages and signing out.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy
from forum.errors import is_api_request, problem, wants_json
from forum.services.membership import pledge
from forum.web import organisation_sign_in

STAFF_PREFIXES = ("/mod/", "/admin/", "/api/v1/mod/")
#: Blueprints a member may use before accepting the pledge.
PLEDGE_FREE_BLUEPRINTS = {"account", "two_factor", "passwords", "join", "pages", "organisation"}
PLEDGE_FREE_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.account",
    "auth.change_password",
    "auth.sign_out_everywhere",
    "main.healthz",
    "main.readyz",
    # Unsubscribing from email works for anyone holding the link.
    "notification_settings.unsubscribe",
    "notification_settings.unsubscribe_now",
    # The API's description and reference page hold no forum content.
    "api.openapi",
    "api.reference",
    # Feeds check the pledge of the member their address belongs to, not the visitor's.
    "feeds.latest",
    "feeds.category",
    "feeds.tag",
}
PLEDGE_CACHE_SECONDS = 30


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES) or path in ("/mod", "/admin")


def require_staff_two_factor() -> Response | tuple[dict, int] | None:
    # Category moderators use /mod/ too, so they need the second factor like staff.
    if not (current_user.is_authenticated and policy.can_access_moderation(current_user)):
        return None
    if not is_staff_path(request.path) or current_user.has_two_factor:
        return None
    if organisation_sign_in.provider_proved_mfa(current_user):
        return None  # a trusted provider's own second factor (docs/organisation-sign-in.md)
    if not current_app.config["STAFF_2FA_REQUIRED"]:
        return None
    message = "Set up two-factor sign-in before using staff pages."
    if is_api_request():
        return problem(403, message)
    if wants_json():
        return {"error": {"code": 403, "message": message}}, 403
    return redirect(url_for("two_factor.setup", next=request.full_path.rstrip("?")))


def current_pledge_version() -> int | None:
    """The current pledge version, cached briefly so pages do not ask the database each time."""
    cached = current_app.extensions.get("forum_pledge")
    if cached is not None and time.monotonic() - cached[1] < PLEDGE_CACHE_SECONDS:
        return cached[0]
    version = pledge.current_version()
    current_app.extensions["forum_pledge"] = (version, time.monotonic())
    return version


def forget_pledge_version() -> None:
    current_app.extensions.pop("forum_pledge", None)


def needs_pledge(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    version = current_pledge_version()
    return version is not None and getattr(user, "pledge_version", None) != version


def require_pledge() -> Response | tuple[dict, int] | None:
    endpoint = request.endpoint or ""
    if endpoint in PLEDGE_FREE_ENDPOINTS or request.blueprint in PLEDGE_FREE_BLUEPRINTS:
        return None
    if not needs_pledge(current_user):
        return None
    message = "Accept the confidentiality pledge first (open the forum in a browser)."
    if is_api_request():
        return problem(403, message)
    if wants_json():
        return {"error": {"code": 403, "message": message}}, 403
    return redirect(url_for("account.pledge", next=request.full_path.rstrip("?")))


def register_gates(app: Flask) -> None:
    app.before_request(require_staff_two_factor)
    app.before_request(require_pledge)
