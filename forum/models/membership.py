"""Ways in: staff invitations and join requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.user import Role, User


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    alliance: Mapped[str] = mapped_column(String(80), default="")
    #: SHA-256 of the link's secret; the secret itself is only ever in the email.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_by_name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_count: Mapped[int] = mapped_column(default=1)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    #: The account created when the invitation was accepted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def state(self, now: datetime) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now else "pending"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email}>"


class JoinRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class JoinRequest(Base):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), index=True)
    job_title: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(160))
    alliance: Mapped[str] = mapped_column(String(80), default="")
    gmc_number: Mapped[str] = mapped_column(String(7), default="")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=JoinRequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(80), default="")
    #: Sent to the applicant when a request is rejected.
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")
    #: The account created on approval.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Asked through an organisation account (OpenID Connect): linked to the new account on
    #: approval. Empty for the join form.
    identity_provider: Mapped[str] = mapped_column(String(40), default="", server_default="")
    identity_issuer: Mapped[str] = mapped_column(String(255), default="", server_default="")
    identity_subject: Mapped[str] = mapped_column(String(255), default="", server_default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING

    def __repr__(self) -> str:
        return f"<JoinRequest {self.id} {self.email} {self.status}>"
