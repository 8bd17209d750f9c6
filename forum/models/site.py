"""The site's settings (one row) and its pages (about, terms of use, privacy notice), versioned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class SiteSettings(Base):
    """What staff set about the site. One row (id 1), made when an admin first saves; until
    then the forum uses config's ``SITE_NAME`` and the default texts."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    #: One line about the forum: the footer, the sign-in page, the page's meta description.
    description: Mapped[str] = mapped_column(String(200), default="")
    #: The home page's welcome message, Markdown (``welcome_html`` is it rendered).
    welcome_source: Mapped[str] = mapped_column(Text, default="")
    welcome_html: Mapped[str] = mapped_column(Text, default="")
    markup_version: Mapped[int] = mapped_column(default=1)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: How long an accepted answer stands before it is due a review (docs/answers.md).
    answer_review_months: Mapped[int] = mapped_column(default=12, server_default="12")
    #: The month (1 to 12) an appraisal year starts in, for the learning log.
    appraisal_year_start_month: Mapped[int] = mapped_column(default=4, server_default="4")
    #: CPD credits for an hour of learning (the RCGP counts one).
    learning_credits_per_hour: Mapped[float] = mapped_column(default=1.0, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_name: Mapped[str] = mapped_column(String(80), default="")


class SitePageVersion(Base):
    """A published text of one of the site's pages; the highest version of a page is current."""

    __tablename__ = "site_page_versions"
    __table_args__ = (UniqueConstraint("page", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``about``, ``terms`` or ``privacy`` (forum/services/site/pages.py, PAGES).
    page: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    markup_version: Mapped[int] = mapped_column(default=1)
    #: What changed since the version before, in the publisher's words (may be empty).
    note: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_by_name: Mapped[str] = mapped_column(String(80), default="")
