"""Members and staff."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased by the services, so uniqueness holds whatever the case typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: @handle for mentions and profile URLs, lower-case.
    username: Mapped[str] = mapped_column(String(30), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    #: argon2id; NULL until an invited member sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    alliance: Mapped[str] = mapped_column(String(80), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    #: Conflict-of-interest declaration, shown beside the member's posts.
    interests: Mapped[str] = mapped_column(String(500), default="")
    #: Optional, 7 digits: printed on the member's own learning-log exports, never shown to others.
    gmc_number: Mapped[str] = mapped_column(String(7), default="", server_default="")
    #: Bumped to end every session at once (sign out everywhere, password change, suspension).
    session_version: Mapped[int] = mapped_column(default=1)
    post_count: Mapped[int] = mapped_column(default=0)
    #: Replies of theirs accepted as a thread's solution; recounted by
    #: forum/services/discussions/solutions.py.
    solution_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_seen_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Moderation (see forum/models/moderation.py): state checked on every request, so no joins.
    #: May read but not post until then.
    silenced_until: Mapped[datetime | None]
    #: May not sign in until then.
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    #: Cache of this member's ``category_moderators`` rows, written only with them.
    moderated_category_ids: Mapped[list[int] | None] = mapped_column(JSON)
    #: Cache of this member's ``group_members`` rows, written only with them
    #: (forum/services/groups/): the policy reads it on every request.
    group_ids: Mapped[list[int] | None] = mapped_column(JSON)
    #: Cache: the member is in a group that verifies answers (``groups.verifies_answers``),
    #: written only with the memberships and that flag (forum/services/groups/).
    verifies_answers: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Cache: the member is in a group of Cancer Alliance leads (``groups.leads_alliance``):
    #: /insight shows them their own alliance. Written with the memberships and that flag.
    leads_alliance: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Two-factor sign-in and the pledge (closed membership) --------------------------------
    #: Base32 TOTP secret; set only once the member has proved their app with a code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    #: The last 30-second step a code was accepted for, so a code works only once.
    totp_last_step: Mapped[int | None]
    #: The confidentiality pledge version this member last accepted.
    pledge_version: Mapped[int | None]
    #: Set when the member deleted their account: the row stays so their posts keep a name.
    anonymised_at: Mapped[datetime | None]
    # Notifications (forum/services/notifications/inbox.py) ---------------------------------------
    #: Unread notifications, recounted by the notification services so the header needs no query.
    unread_notification_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Cache: this member's ``linked_identities`` rows, written only with them
    #: (forum/services/membership/identities.py): an account with a link needs no password.
    linked_identity_count: Mapped[int] = mapped_column(default=0, server_default="0")

    # Flask-Login protocol ---------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        if self.deactivated_at is not None or not self.has_way_in:
            return False
        if self.banned_at is not None:
            return False
        return self.suspended_until is None or self.suspended_until <= utcnow()

    @property
    def has_way_in(self) -> bool:
        """A forum password or a linked organisation account (an invited member has neither)."""
        return self.password_hash is not None or (self.linked_identity_count or 0) > 0

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Session identity: id plus session version, so bumping the version signs out."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p[:1].isalnum()]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<User {self.id} @{self.username} {self.role}>"
