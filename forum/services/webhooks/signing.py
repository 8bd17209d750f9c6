"""Standard Webhooks signing (https://www.standardwebhooks.com/).

The secret is ``whsec_`` + base64 of random bytes; each message is signed with HMAC-SHA256
over ``"{webhook-id}.{webhook-timestamp}.{body}"`` and sent as ``webhook-signature:
v1,<base64 signature>``. Receivers verify with any Standard Webhooks library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    """The webhook-id of a message: the same on every attempt, so receivers can de-duplicate."""
    return "msg_" + secrets.token_hex(12)


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent: the same on every attempt of a message."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body`` with the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt (each attempt is signed with its own timestamp)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }
