"""The site's settings and pages, as pages and emails read them.

Every page shows the site's name, description and contact, so ``site_settings()`` keeps them
per process for ``SITE_SETTINGS_CACHE_SECONDS`` (10 s by default): a page reads the database
at most once in that time. The process that saves forgets its copy at once
(``forget_site_settings``); other processes, and other workers, see the change when their copy
lapses, within the same bound. docs/administration.md#site-settings-and-pages
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

from flask import abort, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from forum.extensions import db
from forum.models import SitePageVersion, SiteSettings
from forum.text import markup, site_pages

#: Where the cached settings live: ``app.extensions[CACHE_KEY] = (snapshot, read_at)``.
CACHE_KEY = "forum_site_settings"
SETTINGS_ID = 1

_SETTINGS = select(SiteSettings).where(SiteSettings.id == SETTINGS_ID)


@dataclass(frozen=True)
class SiteSnapshot:
    """What every page and email shows of the settings."""

    name: str
    description: str
    #: The welcome message, rendered by the one text pipeline.
    welcome_body_html: str
    contact_email: str
    #: False until an admin first saves the settings (config and default texts until then).
    saved: bool = False
    #: How long an accepted answer stands before it is due a review.
    answer_review_months: int = 12
    #: The learning log: the month an appraisal year starts in, and credits for an hour.
    appraisal_year_start_month: int = 4
    learning_credits_per_hour: float = 1.0


@cache
def _rendered(source: str) -> str:
    return markup.render_page(source)


def _snapshot(row: SiteSettings | None) -> SiteSnapshot:
    if row is None:
        name = current_app.config["SITE_NAME"]
        return SiteSnapshot(name, site_pages.DEFAULT_DESCRIPTION, _rendered_default(), "")
    welcome = row.welcome_html
    if row.markup_version < markup.MARKUP_VERSION:  # rendered by an older pipeline
        welcome = markup.render_page(row.welcome_source)
    return SiteSnapshot(
        row.name, row.description, welcome, row.contact_email, saved=True,
        answer_review_months=row.answer_review_months or 12,
        appraisal_year_start_month=row.appraisal_year_start_month or 4,
        learning_credits_per_hour=row.learning_credits_per_hour or 1.0,
    )  # fmt: skip


def _rendered_default() -> str:
    return _rendered(site_pages.DEFAULT_WELCOME)


def site_settings() -> SiteSnapshot:
    """The settings, read at most once per ``SITE_SETTINGS_CACHE_SECONDS`` in this process."""
    cached = current_app.extensions.get(CACHE_KEY)
    lifetime = current_app.config.get("SITE_SETTINGS_CACHE_SECONDS", 10)
    if cached is not None and time.monotonic() - cached[1] < lifetime:
        return cached[0]
    try:
        row = db.session.execute(_SETTINGS).scalar_one_or_none()
    except SQLAlchemyError:
        # The database is down or locked, and this is likely its 503 page: show what was read
        # last, or the defaults, rather than fail the error page too.
        db.session.rollback()
        return cached[0] if cached is not None else _snapshot(None)
    snapshot = _snapshot(row)
    current_app.extensions[CACHE_KEY] = (snapshot, time.monotonic())
    return snapshot


def forget_site_settings() -> None:
    """Drop this process's copy, so its next page reads the settings just saved."""
    current_app.extensions.pop(CACHE_KEY, None)


def site_name() -> str:
    return site_settings().name


def settings_row() -> SiteSettings | None:
    """The saved settings, uncached, for the admin form (None before the first save)."""
    return db.session.execute(_SETTINGS).scalar_one_or_none()


# The site's pages --------------------------------------------------------------------------


def page_or_404(page: str) -> str:
    if page not in site_pages.PAGE_TITLES:
        abort(404)
    return page


def current_page(page: str) -> SitePageVersion | None:
    """The newest published version of ``page`` (None while it shows the default text)."""
    stmt = (
        select(SitePageVersion)
        .where(SitePageVersion.page == page)
        .order_by(SitePageVersion.version.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def default_page_html(page: str) -> str:
    return _rendered(site_pages.DEFAULT_PAGES[page])


def page_html(version: SitePageVersion) -> str:
    if version.markup_version < markup.MARKUP_VERSION:
        return markup.render_page(version.source)
    return version.body_html


def page_versions(page: str) -> list[SitePageVersion]:
    """Every published version of ``page``, newest first (a handful: staff publish by hand)."""
    stmt = (
        select(SitePageVersion)
        .where(SitePageVersion.page == page)
        .order_by(SitePageVersion.version.desc())
    )
    return list(db.session.scalars(stmt))


def page_version(page: str, version: int) -> SitePageVersion | None:
    stmt = select(SitePageVersion).where(
        SitePageVersion.page == page, SitePageVersion.version == version
    )
    return db.session.scalars(stmt).first()


def get_page_version_or_404(page: str, version: int) -> SitePageVersion:
    found = page_version(page, version)
    if found is None:
        abort(404)
    return found


def current_versions() -> dict[str, SitePageVersion]:
    """The newest version of each page that has one, in one statement."""
    newest = (
        select(SitePageVersion.page, func.max(SitePageVersion.version).label("version"))
        .group_by(SitePageVersion.page)
        .subquery()
    )
    stmt = select(SitePageVersion).join(
        newest,
        (SitePageVersion.page == newest.c.page) & (SitePageVersion.version == newest.c.version),
    )
    return {row.page: row for row in db.session.scalars(stmt)}
