"""The guideline register: guidelines, their versions and recommendations, and citations.

The register stores references and links, never guideline text: a recommendation has its
number and a short title in our own words. docs/answers.md explains how citations, review dates,
the basis of an answer and verification fit together.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow


class RecommendationStatus(StrEnum):
    """What a version did to a recommendation."""

    UNCHANGED = "unchanged"
    NEW = "new"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"


#: The statuses that make an answer citing the recommendation worth a second look.
CHANGING_STATUSES = frozenset({RecommendationStatus.CHANGED, RecommendationStatus.WITHDRAWN})


class Guideline(Base):
    """A national guideline (NICE NG12, a SIGN guideline) or a local pathway."""

    __tablename__ = "guidelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What members type between ``[[`` and ``]]``: upper-case letters, digits and "-".
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: NICE, SIGN, a Cancer Alliance's local pathway...
    publisher: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Guideline {self.code}>"


class GuidelineVersion(Base):
    """One published version of a guideline: when, and what changed, in our words."""

    __tablename__ = "guideline_versions"
    __table_args__ = (UniqueConstraint("guideline_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    #: 1 for the first version recorded; the highest is current.
    sequence: Mapped[int]
    published_on: Mapped[date] = mapped_column(Date)
    #: What changed since the version before (empty for the first).
    summary: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_name: Mapped[str] = mapped_column(String(80), default="")

    guideline: Mapped[Guideline] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<GuidelineVersion {self.guideline_id} v{self.sequence}>"


class Recommendation(Base):
    """A recommendation as one version of a guideline has it.

    Each version lists all its recommendations, so a citation can show the one its post cited
    and the register can say what each version changed.
    """

    __tablename__ = "guideline_recommendations"
    __table_args__ = (
        UniqueConstraint("version_id", "number"),
        Index("ix_guideline_recommendations_lookup", "guideline_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("guideline_versions.id", ondelete="CASCADE"))
    #: Denormalised from the version, for lookups by guideline and number.
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    #: As the guideline numbers it: ``1.3.1``.
    number: Mapped[str] = mapped_column(String(20))
    #: A short title in our own words (never the guideline's text).
    title: Mapped[str] = mapped_column(String(200))
    #: ``RecommendationStatus``: what this version did to it.
    status: Mapped[str] = mapped_column(String(12), default=RecommendationStatus.UNCHANGED)
    #: What changed, in our words (for changed or withdrawn).
    change_note: Mapped[str] = mapped_column(String(500), default="")
    #: A link to the recommendation itself, when the publisher has one; else the guideline's.
    url: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<Recommendation {self.number} of version {self.version_id}>"


class PostCitation(Base):
    """A post cites a recommendation (or a whole guideline, ``number`` empty), as it stood
    in the version current when the post was written (or last edited)."""

    __tablename__ = "post_citations"
    __table_args__ = (Index("ix_post_citations_cited", "guideline_id", "number"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    guideline_id: Mapped[int] = mapped_column(
        ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    version_id: Mapped[int] = mapped_column(
        ForeignKey("guideline_versions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
