"""The site's pages: about, terms of use, privacy notice. Readable without signing in."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.queries import site as site_reads
from forum.text.site_pages import PAGE_TITLES

bp = Blueprint("pages", __name__)


def _show(page: str) -> str:
    current = site_reads.current_page(page)
    body_html = site_reads.page_html(current) if current else site_reads.default_page_html(page)
    return render_template(
        "pages/show.html", page=page, title=PAGE_TITLES[page], current=current, body_html=body_html
    )


@bp.get("/about")
def about() -> str:
    return _show("about")


@bp.get("/terms")
def terms() -> str:
    return _show("terms")


@bp.get("/privacy")
def privacy() -> str:
    return _show("privacy")
