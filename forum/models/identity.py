"""Organisation accounts linked to members (OpenID Connect; docs/organisation-sign-in.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class LinkedIdentity(Base):
    """One organisation account (issuer + subject) that signs in as one member."""

    __tablename__ = "linked_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The configured provider's name (``FORUM_OIDC_PROVIDERS``), for its label.
    provider: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(255))
    #: The provider's stable identifier for the person (``sub``), never their email.
    subject: Mapped[str] = mapped_column(String(255))
    #: The verified address the provider gave when the link was made.
    email: Mapped[str] = mapped_column(String(254))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LinkedIdentity {self.id} {self.provider} user={self.user_id}>"
