"""Personal access tokens for the JSON API: made, shown once, stored hashed, revoked.

A secret is ``gpf_`` and 43 URL-safe characters (32 random bytes): the prefix lets secret
scanners and people recognise one. Only its SHA-256 is kept. Every way of ending a member's
sessions (sign out everywhere, suspension, a ban, deactivation, deletion) also revokes their
tokens, through ``revoke_all``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import ApiToken, User, utcnow
from forum.policy import Actor, require
from forum.services import audit

PREFIX = "gpf_"
READ, WRITE, MODERATE = "read", "write", "moderate"
SCOPES = (READ, WRITE, MODERATE)
#: Expiry choices offered on the page, in days; ``None`` is "never".
EXPIRY_DAYS = (7, 30, 90, 365)
#: A member may hold this many live tokens.
MAX_TOKENS = 20
#: Last use is written at most this often per token, so reads do not all become writes.
LAST_USE_GRANULARITY = timedelta(minutes=5)

_BY_HASH = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class NewToken:
    """What the page shows once: the token row and its secret."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def allowed_scopes(user: User) -> tuple[str, ...]:
    """``moderate`` is offered only to staff."""
    return SCOPES if user.is_staff else (READ, WRITE)


def create_token(
    actor: Actor, user: User, *, name: str, scopes: list[str], expires_in_days: int | None
) -> NewToken:
    """Make a token for ``user``; the secret is returned here and never again."""
    require(actor.id == user.id)
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise ServiceError("Give the token a name of up to 80 characters.", "name")
    chosen = [s for s in SCOPES if s in scopes]
    if not chosen or any(s not in allowed_scopes(user) for s in scopes):
        raise ServiceError("Choose at least one of the scopes offered.", "scopes")
    if expires_in_days is not None and expires_in_days not in EXPIRY_DAYS:
        raise ServiceError("Choose one of the expiry periods offered.", "expires_in_days")
    if len(live_tokens(user)) >= MAX_TOKENS:
        raise ServiceError(f"You can hold {MAX_TOKENS} tokens; revoke one first.", "name")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[:8],
        scopes=" ".join(chosen),
        created_at=now,
        expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "token.create", target=user, after={"name": name, "scopes": token.scopes})
    return NewToken(token=token, secret=secret)


def tokens_of(user: User) -> list[ApiToken]:
    """Every token the member made, newest first (revoked and expired ones too)."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(statement))


def live_tokens(user: User) -> list[ApiToken]:
    now = utcnow()
    return [t for t in tokens_of(user) if is_live(t, now)]


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def revoke_token(actor: Actor, user: User, token_id: int) -> None:
    """Revoke one of the member's own tokens at once."""
    require(actor.id == user.id)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ServiceError("That token does not exist.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "token.revoke", target=user, after={"name": token.name})
    db.session.flush()


def revoke_all(user: User) -> None:
    """Revoke every live token of ``user``: called wherever their sessions end."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def authenticate(secret: str) -> tuple[User, ApiToken] | None:
    """The member and token for a bearer secret, or ``None`` when it is unknown, revoked,
    expired, or its member can no longer sign in. Changes nothing (see ``note_use``)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = db.session.execute(_BY_HASH, {"token_hash": hash_secret(secret)}).first()
    if row is None:
        return None
    token, user = row
    if not is_live(token) or not user.is_active:
        return None
    return user, token


def use_is_due(token: ApiToken) -> bool:
    """Whether the token's last use should be written (at most every 5 minutes)."""
    last = token.last_used_at
    return last is None or utcnow() - last >= LAST_USE_GRANULARITY


def note_use(token_id: int) -> None:
    """Write the token's last use: one UPDATE, run by the edge after the request's work."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
