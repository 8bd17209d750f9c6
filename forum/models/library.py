"""The resource library: shared materials with versions, each discussed in its own thread."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.attachment import Attachment
from forum.models.base import Base, utcnow
from forum.models.thread import Thread


class Licence(StrEnum):
    OGL = "ogl"
    CC_BY = "cc-by"
    CC_BY_NC = "cc-by-nc"
    ALL_RIGHTS_RESERVED = "all-rights-reserved"
    OTHER = "other"


LICENCE_LABELS = {
    Licence.OGL: "Open Government Licence",
    Licence.CC_BY: "Creative Commons Attribution (CC BY)",
    Licence.CC_BY_NC: "Creative Commons Attribution-NonCommercial (CC BY-NC)",
    Licence.ALL_RIGHTS_RESERVED: "All rights reserved",
    Licence.OTHER: "Other licence",
}


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_review_by", "review_by"),
        #: The learning log's contributions summary counts a member's resources.
        Index("ix_resources_created_by", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The discussion thread ("how I used or adapted this"); its category and visibility
    #: are the resource's. Set in the transaction that creates the resource.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    #: The current version's type: a ``forum.uploads.filetypes`` kind, or "link".
    kind: Mapped[str] = mapped_column(String(16), index=True)
    organisation: Mapped[str] = mapped_column(String(120))
    licence: Mapped[str] = mapped_column(String(24), index=True)
    #: Which licence, when ``licence`` is "other".
    licence_note: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    review_by: Mapped[date] = mapped_column(Date)
    current_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_reviewed_at: Mapped[datetime | None]
    last_reviewed_by_name: Mapped[str] = mapped_column(String(80), default="")

    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")

    @property
    def licence_label(self) -> str:
        return LICENCE_LABELS.get(Licence(self.licence), self.licence)

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.title!r}>"


class ResourceVersion(Base):
    """One version of a resource: a file or a link, and who added it, when and why."""

    __tablename__ = "resource_versions"
    __table_args__ = (UniqueConstraint("resource_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    number: Mapped[int]
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), index=True)
    link_url: Mapped[str | None] = mapped_column(String(2000))
    change_note: Mapped[str] = mapped_column(String(500), default="")
    #: Whoever added this version confirmed it holds no patient-identifiable information.
    attested_no_pii: Mapped[bool]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachment: Mapped[Attachment | None] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<ResourceVersion {self.resource_id} v{self.number}>"
