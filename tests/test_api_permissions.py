"""The API's permission matrix: every operation in the OpenAPI document, for every kind of
caller (anonymous, a member, a moderator, an admin, a member's browser session, a token of each
scope alone, a revoked token, an expired token), and the status each must get.

Each caller acts on a world of its own (a thread they started with someone else's answer, a
post of their own, a reported post), so the writes succeed or fail on permission alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from forum.extensions import db
from forum.models import ApiToken, User, utcnow
from forum.services.membership import api_tokens
from tests.factories import (
    make_admin,
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    reported_post,
    sign_in,
)

READ, WRITE, MODERATE = ("read",), ("write",), ("moderate",)
ALL = ("read", "write", "moderate")


@dataclass(frozen=True)
class Caller:
    role: str  # anonymous, member, moderator, admin
    scopes: tuple[str, ...] = ()
    session: bool = False
    revoked: bool = False
    expired: bool = False


CALLERS = {
    "anonymous": Caller("anonymous"),
    "member": Caller("member", ("read", "write")),
    "member-session": Caller("member", session=True),
    "moderator": Caller("moderator", ALL),
    "admin": Caller("admin", ALL),
    "read-only": Caller("member", READ),
    "write-only": Caller("member", WRITE),
    "moderate-only": Caller("moderator", MODERATE),
    "revoked": Caller("member", ("read", "write"), revoked=True),
    "expired": Caller("member", ("read", "write"), expired=True),
}

#: operationId -> (method, path, body, the status when allowed, the scope it needs).
OPERATIONS: dict[str, tuple[str, str, Any, int, str]] = {
    "me": ("GET", "/api/v1/me", None, 200, "read"),
    "user": ("GET", "/api/v1/users/{other_name}", None, 200, "read"),
    "categories": ("GET", "/api/v1/categories", None, 200, "read"),
    "threads": ("GET", "/api/v1/threads?list=unanswered", None, 200, "read"),
    "thread": ("GET", "/api/v1/threads/{thread}", None, 200, "read"),
    "post": ("GET", "/api/v1/posts/{answer}", None, 200, "read"),
    "search_posts": ("GET", "/api/v1/search?q=ferritin", None, 200, "read"),
    "notifications": ("GET", "/api/v1/notifications", None, 200, "read"),
    "queue": ("GET", "/api/v1/mod/queue", None, 200, "moderate"),
    "create_thread": (
        "POST",
        "/api/v1/threads",
        {"category_id": "{category}", "title": "A new question", "body": "What dose?"},
        201,
        "write",
    ),
    "reply": ("POST", "/api/v1/threads/{thread}/posts", {"body": "A reply."}, 201, "write"),
    "edit": ("PATCH", "/api/v1/posts/{own_post}", {"body": "Edited text."}, 200, "write"),
    "mark_helpful": ("POST", "/api/v1/posts/{answer}/helpful", None, 200, "write"),
    "accept_solution": (
        "POST",
        "/api/v1/threads/{thread}/solution",
        {"post_id": "{answer}"},
        200,
        "write",
    ),
    "mark_read": ("POST", "/api/v1/notifications/read", {"all": True}, 204, "write"),
    "decide": (
        "POST",
        "/api/v1/mod/items/{item}/decide",
        {"decision": "resolve", "outcome": "dismissed", "reason": "Not a problem."},
        204,
        "moderate",
    ),
    "delete": ("DELETE", "/api/v1/posts/{own_post}", None, 204, "write"),
}


def expected(caller: Caller, operation: str) -> int:
    _, _, _, allowed, scope = OPERATIONS[operation]
    if caller.role == "anonymous" or caller.revoked or caller.expired:
        return 401
    if not caller.session and scope not in caller.scopes:
        return 403
    if scope == "moderate" and caller.role == "member":
        return 403
    return allowed


def _person(role: str) -> User:
    return {"member": make_user, "moderator": make_moderator, "admin": make_admin}[role]()


def _world(user: User | None) -> dict[str, Any]:
    """The caller's own thread with another member's answer, a post of theirs in another
    thread, and a reported post."""
    other = make_user()
    category = make_category()
    starter = user or other
    thread = make_thread(category=category, author=starter, title="Ferritin question")
    answer = make_reply(thread, author=other, body="Check ferritin again.")
    elsewhere = make_thread(category=category, author=other)
    own_post = make_reply(elsewhere, author=starter, body="My own reply.")
    item = reported_post(opening_post(elsewhere))
    return {
        "other_name": other.username,
        "category": category.id,
        "thread": thread.id,
        "answer": answer.id,
        "own_post": own_post.id,
        "item": item.id,
    }


def _headers(client: FlaskClient, caller: Caller, user: User | None) -> dict[str, str]:
    if user is None:
        return {}
    if caller.session:
        sign_in(client, user)
        return {}
    db.session.commit()
    made = api_tokens.create_token(
        user, user, name="Matrix", scopes=list(caller.scopes), expires_in_days=7
    )
    db.session.flush()
    if caller.revoked:
        api_tokens.revoke_token(user, user, made.token.id)
    if caller.expired:
        db.session.execute(
            db.update(ApiToken)
            .where(ApiToken.id == made.token.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    db.session.commit()
    return {"Authorization": f"Bearer {made.secret}"}


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format_map(ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", list(CALLERS))
def test_api_permission_matrix(app: Any, client: FlaskClient, name: str, subtests: Any) -> None:
    caller = CALLERS[name]
    user = None if caller.role == "anonymous" else _person(caller.role)
    ids = _world(user)
    headers = _headers(client, caller, user)
    for operation, (method, path, body, _, _) in OPERATIONS.items():
        with subtests.test(operation=operation):
            response = client.open(
                _fill(path, ids), method=method, json=_fill(body, ids), headers=headers
            )
            assert response.status_code == expected(caller, operation), (
                operation,
                response.get_data(as_text=True)[:300],
            )
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"


def test_the_matrix_covers_every_operation_in_the_document(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    documented = {
        op["operationId"] for operations in document["paths"].values() for op in operations.values()
    }
    assert documented == set(OPERATIONS)
