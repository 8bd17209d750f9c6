"""Signed, expiring links for password resets and email verification.

A token names its purpose and carries a fingerprint of the account state it was issued for
(the password hash, the email address, the session version). Using the token changes that
state, so the same link never works twice, and no token table is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET = "reset"
#: The first "choose your password" link after a join request is approved.
WELCOME = "welcome"
VERIFY_EMAIL = "verify-email"

MAX_AGE = {
    RESET: timedelta(hours=2),
    WELCOME: timedelta(days=14),
    VERIFY_EMAIL: timedelta(days=3),
}


class TokenInvalid(Exception):
    """The link is malformed, tampered with, expired or already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum.{purpose}")


def fingerprint(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:24]


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict[str, Any]:
    """Return the payload, or raise ``TokenInvalid``."""
    max_age = int(MAX_AGE[purpose].total_seconds())
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as error:
        raise TokenInvalid(str(error)) from error
    if not isinstance(payload, dict):
        raise TokenInvalid("unexpected payload")
    return payload


def random_token() -> str:
    """A secret for a link stored only as its hash (invitations)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
