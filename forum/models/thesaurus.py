"""The search thesaurus: groups of equivalent terms (an abbreviation and its expansions,
British and American spellings, brand and generic names) that staff keep.

A search for any term of a group finds posts with any other: docs/search.md#the-thesaurus
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow

#: Longest term (letters, digits and single spaces).
TERM_MAX = 80


class ThesaurusGroup(Base):
    __tablename__ = "thesaurus_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the group is for, shown to staff only ("Urgent referral for suspected cancer").
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    terms: Mapped[list[ThesaurusTerm]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        order_by="ThesaurusTerm.position",
    )

    @property
    def terms_text(self) -> list[str]:
        return [term.term for term in self.terms]

    def __repr__(self) -> str:
        return f"<ThesaurusGroup {self.id}>"


class ThesaurusTerm(Base):
    __tablename__ = "thesaurus_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_groups.id", ondelete="CASCADE"), index=True
    )
    #: Lower case words separated by single spaces (``forum.search.thesaurus.normalise``);
    #: a term is in one group only.
    term: Mapped[str] = mapped_column(String(TERM_MAX), unique=True)
    #: Order within the group, as staff typed it.
    position: Mapped[int] = mapped_column(default=0)
    group: Mapped[ThesaurusGroup] = relationship(back_populates="terms")


class ThesaurusState(Base):
    """One row: the thesaurus's version, a new one drawn at every edit, so each process reloads its
    cached copy (``forum.search.thesaurus.current``) only when it changed."""

    __tablename__ = "thesaurus_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
