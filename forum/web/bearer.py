"""Personal access tokens on the API: ``Authorization: Bearer gpf_...`` for ``/api/`` only.

A request that sends a token is that token's member and nothing else: the session cookie is
ignored, none is set, and no CSRF token is asked for (a browser never adds the header by
itself). A bad, revoked or expired token is a 401 at once, never a fall back to the session.
Requests without the header use the browser's session, with CSRF checked on writes by the
API's own edge (forum/api/).
"""

from __future__ import annotations

from flask import Response, g, request

from forum.errors import is_api_request, problem
from forum.models import ApiToken
from forum.services.membership import api_tokens


def bearer_secret() -> str | None:
    """The secret sent in the Authorization header, or ``None`` when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def load_bearer_token() -> Response | None:
    """Sign the request in as the token's member (flask-login reads ``g._login_user``)."""
    if not is_api_request():
        return None
    secret = bearer_secret()
    if secret is None:
        return None
    found = api_tokens.authenticate(secret)
    if found is None:
        response = problem(401, "The token is unknown, revoked or expired.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="forum", error="invalid_token"'
        return response
    g._login_user, g.api_token = found
    return None


def token_use_due() -> int | None:
    """The id of this request's token when its last use should be written, else ``None``."""
    token = request_token()
    if token is None or not api_tokens.use_is_due(token):
        return None
    return token.id


def request_token() -> ApiToken | None:
    """The token this request came with (``None``: the browser's session)."""
    return g.get("api_token")


def has_scope(scope: str) -> bool:
    """Whether the request may act with ``scope``: a session has every scope its member's role
    allows (the policy still decides), a token only those it was given."""
    token = request_token()
    return token is None or scope in token.scope_set
