"""Private feed addresses: one per member, the secret in the URL, only its hash stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class FeedToken(Base):
    """A member's feed address (``/feeds/<secret>/...``), looked up by the secret's hash.

    It works only while ``session_version`` matches the member's: signing out everywhere,
    changing the password, a suspension, a ban or deleting the account bumps theirs, so the
    address stops working at once; the member makes a new one.
    """

    __tablename__ = "feed_tokens"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: SHA-256 of the secret (random, so a slow hash adds nothing).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
