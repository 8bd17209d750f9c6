"""A member's private feed address: made, replaced and withdrawn by the member.

The secret travels in the URL (a feed reader cannot sign in), so it is random, stored only as
its SHA-256 (``forum.queries.feeds`` looks it up the same way) and tied to the member's
session version: whatever ends their sessions ends the address too.
"""

from __future__ import annotations

from sqlalchemy import delete

from forum.extensions import db
from forum.models import FeedToken, User
from forum.policy import Actor, require
from forum.services import audit
from forum.services.membership.tokens import random_token, token_hash


def new_feed_address(actor: Actor, user: User) -> str:
    """Replace the member's feed secret with a new one and return it (shown once): every
    address made with the old one stops working."""
    require(actor.id == user.id and user.is_active)
    db.session.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
    secret = random_token()
    db.session.add(
        FeedToken(
            user_id=user.id, token_hash=token_hash(secret), session_version=user.session_version
        )
    )
    audit.record(actor, "feeds.new_address", target=user)
    db.session.flush()
    return secret


def withdraw_feed_address(actor: Actor, user: User) -> None:
    """Stop the member's feed addresses working, without making new ones."""
    require(actor.id == user.id)
    db.session.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
    audit.record(actor, "feeds.withdraw_address", target=user)
    db.session.flush()
