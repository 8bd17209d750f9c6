"""Uploaded files: the stored content (one row per SHA-256) and each upload of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.post import Post
from forum.models.user import User


class StoredFile(Base):
    """File content as kept in storage; identical uploads share one row and one copy."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    #: ``forum.uploads.filetypes.KINDS`` key: pdf, docx, pptx, xlsx, odt, csv, png, jpeg, gif.
    kind: Mapped[str] = mapped_column(String(16))
    media_type: Mapped[str] = mapped_column(String(120))
    #: Text found inside (PDF, Word, ...), capped; searched with the posts it is attached to.
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<StoredFile {self.sha256[:12]} {self.kind}>"


class Attachment(Base):
    """One upload by one member. Until a post links it, only its uploader can fetch it; after,
    whoever may see that post."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Cleaned, for display and the download's file name only (storage is by hash).
    filename: Mapped[str] = mapped_column(String(200))
    #: Images: the description given when it was attached.
    alt_text: Mapped[str] = mapped_column(String(500), default="")
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    #: Earlier versions of a library resource stay downloadable but drop out of search.
    searchable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_at: Mapped[datetime | None]

    file: Mapped[StoredFile] = relationship(lazy="raise_on_sql")
    post: Mapped[Post | None] = relationship(lazy="raise_on_sql")
    uploader: Mapped[User | None] = relationship(lazy="raise_on_sql")

    @property
    def url(self) -> str:
        return f"/uploads/{self.id}"

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"
