"""Who a feed address belongs to, and whether it still works.

The address carries a random secret; the table keeps its SHA-256 (as
``forum.services.membership.feeds`` writes it). An address works while its member is active
(not suspended, banned, deactivated or deleted) and their session version is the one it was
made under. Anything else is "no such feed", whether or not the secret ever existed.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import bindparam, select

from forum.extensions import db
from forum.models import FeedToken, User

#: Built once: every feed request runs it.
_MEMBER_BY_SECRET = (
    select(User, FeedToken.session_version)
    .join(FeedToken, FeedToken.user_id == User.id)
    .where(FeedToken.token_hash == bindparam("token_hash"))
)
_ADDRESS_OF = select(FeedToken).where(FeedToken.user_id == bindparam("user_id"))
#: ``secrets.token_urlsafe(32)`` is 43 characters; anything far off is not worth a lookup.
MAX_SECRET_LENGTH = 100


def member_for_feed(secret: str) -> User | None:
    """The member whose working feed address carries ``secret``, or None."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    row = db.session.execute(_MEMBER_BY_SECRET, {"token_hash": digest}).one_or_none()
    if row is None:
        return None
    user, version = row
    if version != user.session_version or not user.is_active:
        return None
    return user


def feed_address_of(user: User) -> FeedToken | None:
    """The member's feed address (its hash and when it was made), if they have one."""
    return db.session.scalar(_ADDRESS_OF, {"user_id": user.id})


def address_works(user: User, address: FeedToken | None) -> bool:
    """Whether the member's address still works (signing out everywhere ends it)."""
    return address is not None and address.session_version == user.session_version
