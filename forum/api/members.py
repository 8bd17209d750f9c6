"""The current member and public profiles."""

from __future__ import annotations

from flask import Response

from forum import queries
from forum.api import schemas
from forum.api.core import bp, etagged
from forum.api.spec import operation
from forum.services.membership.api_tokens import SCOPES, allowed_scopes
from forum.web.auth import signed_in_member
from forum.web.bearer import request_token


@bp.get("/v1/me")
@operation("The member this request acts as", "members", response=schemas.Me)
def me() -> Response:
    user = signed_in_member()
    token = request_token()
    scopes = sorted(token.scope_set) if token else [s for s in SCOPES if s in allowed_scopes(user)]
    payload = schemas.member(user) | {
        "id": user.id,
        "unread_notifications": user.unread_notification_count,
        "scopes": scopes,
    }
    return etagged(payload)


@bp.get("/v1/users/<username>")
@operation("A member's public profile", "members", response=schemas.Member)
def user(username: str) -> Response:
    return etagged(schemas.member(queries.get_user_or_404(username)))
