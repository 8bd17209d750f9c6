"""Reply addresses: ``reply+TOKEN@REPLY_DOMAIN``, one per member and thread.

The token is compact enough for an address's local part (at most 64 characters) and survives
mail systems that lower-case addresses: ``<member>-<thread>-<last day>-<signature>``, the
numbers in base 36 and the signature the first 15 bytes of itsdangerous' HMAC-SHA256 (its own
salt) in lower-case base 32. It works until its last day (``REPLY_TOKEN_DAYS`` after the email
was made), for that member and thread only; the sender must still be the member.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from itsdangerous import Signer

from forum.models import utcnow

SALT = "forum.reply-by-email"
SIGNATURE_BYTES = 15
_EPOCH = date(2020, 1, 1)
_TOKEN = re.compile(r"^([0-9a-z]{1,10})-([0-9a-z]{1,10})-([0-9a-z]{1,6})-([a-z2-7]{24})$")


class ReplyAddressInvalid(Exception):
    """Not a reply address this forum made (or the token was altered)."""


@dataclass(frozen=True)
class ReplyToken:
    user_id: int
    thread_id: int
    last_day: date

    def expired(self, today: date | None = None) -> bool:
        return (today or utcnow().date()) > self.last_day


def enabled() -> bool:
    return bool(current_app.config.get("REPLY_DOMAIN"))


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(payload: str) -> str:
    signer = Signer(current_app.config["SECRET_KEY"], salt=SALT, digest_method=hashlib.sha256)
    raw = base64.urlsafe_b64decode(signer.get_signature(payload) + b"=")
    return base64.b32encode(raw[:SIGNATURE_BYTES]).decode().lower()


def make_token(user_id: int, thread_id: int, *, today: date | None = None) -> str:
    days = int(current_app.config["REPLY_TOKEN_DAYS"])
    last_day = (today or utcnow().date()) + timedelta(days=days)
    payload = "-".join(_base36(n) for n in (user_id, thread_id, (last_day - _EPOCH).days))
    return f"{payload}-{_signature(payload)}"


def reply_address(user_id: int, thread_id: int) -> str | None:
    """The address a reply to ``thread_id`` by ``user_id`` goes to; None when not set up."""
    if not enabled():
        return None
    cfg = current_app.config
    return f"{cfg['REPLY_LOCAL_PART']}+{make_token(user_id, thread_id)}@{cfg['REPLY_DOMAIN']}"


def reply_headers(user_id: int, thread_id: int) -> dict[str, str]:
    address = reply_address(user_id, thread_id)
    return {"Reply-To": address} if address else {}


def read_token(token: str) -> ReplyToken:
    """The member, thread and last day ``token`` names; raises ``ReplyAddressInvalid``."""
    match = _TOKEN.match(token.strip().lower())
    if match is None:
        raise ReplyAddressInvalid("not a reply token")
    payload = "-".join(match.groups()[:3])
    if not hmac.compare_digest(_signature(payload), match.group(4)):
        raise ReplyAddressInvalid("bad signature")
    user, thread, day = (int(part, 36) for part in match.groups()[:3])
    return ReplyToken(user, thread, _EPOCH + timedelta(days=day))


def token_in(address: str) -> str | None:
    """The token of a reply address to this forum (``reply+TOKEN@REPLY_DOMAIN``), or None."""
    cfg = current_app.config
    local, _, domain = address.strip().strip("<>").rpartition("@")
    prefix = f"{cfg['REPLY_LOCAL_PART']}+".lower()
    if not enabled() or domain.lower() != str(cfg["REPLY_DOMAIN"]).lower():
        return None
    return local[len(prefix) :] if local.lower().startswith(prefix) else None
