"""One-click unsubscribe links (RFC 8058) that work without signing in.

A link carries a signed, non-expiring token naming the member and what to stop: every email,
or email about one category. It only ever turns email off, so a forwarded email can do no
more harm than that, and the member can turn it back on from their settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from forum.extensions import db
from forum.links import external_url
from forum.models import Category, User
from forum.services.notifications import subscriptions

SALT = "forum.unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"


class UnsubscribeInvalid(Exception):
    """The link is malformed or was not made by this forum."""


@dataclass(frozen=True)
class Unsubscription:
    user: User
    #: None: every email.
    category: Category | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, category_id: int | None = None) -> str:
    payload = {"u": user_id} if category_id is None else {"u": user_id, "c": category_id}
    return _serializer().dumps(payload)


def unsubscribe_url(user_id: int, category_id: int | None = None) -> str:
    return external_url("notification_settings.unsubscribe", token=make_token(user_id, category_id))


def email_headers(user_id: int) -> dict[str, str]:
    """The headers that let mail programs offer a one-click unsubscribe from everything."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id)}>",
        "List-Unsubscribe-Post": ONE_CLICK,
    }


def read_token(token: str) -> Unsubscription:
    """What ``token`` unsubscribes from; raises ``UnsubscribeInvalid``."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise UnsubscribeInvalid(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise UnsubscribeInvalid("unexpected payload")
    user = db.session.get(User, payload["u"])
    category_id = payload.get("c")
    category = db.session.get(Category, category_id) if isinstance(category_id, int) else None
    if user is None or (category_id is not None and category is None):
        raise UnsubscribeInvalid("the account or category no longer exists")
    return Unsubscription(user=user, category=category)


def unsubscribe(token: str) -> Unsubscription:
    """Turn off what the link names. The signed token is the authority: no sign-in needed."""
    found = read_token(token)
    if found.category is None:
        subscriptions.stop_all_email(found.user.id)
    else:
        subscriptions.stop_category_email(found.user.id, found.category.id)
    return found
