"""A member's linked organisation accounts, for their account page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from forum.extensions import db
from forum.models import LinkedIdentity


@dataclass(frozen=True)
class LinkedAccount:
    id: int
    #: The provider's configured name (its label comes from the settings).
    provider: str
    email: str
    linked_at: datetime
    last_used_at: datetime | None


def linked_accounts(user_id: int) -> list[LinkedAccount]:
    """One statement, however many links."""
    stmt = (
        select(LinkedIdentity)
        .where(LinkedIdentity.user_id == user_id)
        .order_by(LinkedIdentity.linked_at, LinkedIdentity.id)
    )
    return [
        LinkedAccount(
            id=link.id,
            provider=link.provider,
            email=link.email,
            linked_at=link.linked_at,
            last_used_at=link.last_used_at,
        )
        for link in db.session.scalars(stmt)
    ]
