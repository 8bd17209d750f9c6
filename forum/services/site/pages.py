"""Admins publish the site's pages (about, terms of use, privacy notice) as new versions.

Each publish adds a version with who and when; earlier versions are kept for staff to read. The
forum shows a page's default text (forum/text/site_pages.py) until its first version.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import SitePageVersion, utcnow
from forum.policy import Actor, can_change_site_settings, require
from forum.services import audit
from forum.services.site.settings import check_staff_texts
from forum.text import markup, site_pages

PAGES = tuple(site_pages.PAGE_TITLES)
TEXT_MIN, TEXT_MAX, NOTE_MAX = 20, 50_000, 200


def _next_version(page: str) -> int:
    stmt = select(func.max(SitePageVersion.version)).where(SitePageVersion.page == page)
    return (db.session.scalar(stmt) or 0) + 1


def _checked(text: str, note: str) -> tuple[str, str]:
    text, note = text.strip(), " ".join(note.split())
    if len(text) < TEXT_MIN:
        raise ServiceError(f"Write the page in full (at least {TEXT_MIN} characters).", "text")
    if len(text) > TEXT_MAX:
        raise ServiceError(f"Keep the page to {TEXT_MAX:,} characters or fewer.", "text")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note to {NOTE_MAX} characters or fewer.", "note")
    check_staff_texts({"text": text, "note": note})
    return text, note


def publish_page(actor: Actor, page: str, text: str, note: str = "") -> SitePageVersion:
    """Publish ``text`` as the next version of ``page``; it shows at once."""
    require(can_change_site_settings(actor))
    if page not in PAGES:
        raise ServiceError("There is no such page.")
    text, note = _checked(text, note)
    version = SitePageVersion(
        page=page,
        version=_next_version(page),
        source=text,
        body_html=markup.render_page(text),
        markup_version=markup.MARKUP_VERSION,
        note=note,
        published_at=utcnow(),
        published_by_id=actor.id,
        published_by_name=getattr(actor, "display_name", ""),
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError as error:  # another admin published this page in the same instant
        message = (
            "Another admin has just published this page: read their version, then publish again."
        )
        raise ServiceError(message, "text") from error
    audit.record(
        actor, "site.page.publish", after={"page": page, "version": version.version, "note": note}
    )
    db.session.flush()
    return version
