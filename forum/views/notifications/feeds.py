"""Atom feeds at private per-member addresses, and the page where the member manages them.

A feed reader cannot sign in, so the address carries a secret (``/feeds/<secret>/...``) that
stands in for the member: the feed lists what they would see on the matching page, read with
them as the actor. A secret that is wrong, replaced, or belongs to a member who has signed out
everywhere, been suspended, banned or deleted, or not accepted the current pledge, is a 404
like any other missing page. Entries in a sensitive category carry their title only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from forum import queries
from forum.errors import CategoryMoved
from forum.extensions import db, limiter
from forum.links import external_url
from forum.models import Category, User
from forum.queries import feeds as feed_queries
from forum.queries import listings
from forum.queries.listings import EPOCH, FeedRow
from forum.services.membership import feeds as feed_addresses
from forum.text import plaintext
from forum.web.auth import signed_in_member
from forum.web.gates import needs_pledge

bp = Blueprint("feeds", __name__)

#: Threads per feed: the newest, like the first page of a list.
FEED_SIZE = 30
SUMMARY_LENGTH = 300
ATOM = "application/atom+xml; charset=utf-8"
#: Characters XML 1.0 does not allow at all (escaping cannot carry them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _feed_limit() -> str:
    return current_app.config["RATELIMIT_FEEDS"]


def _member_or_404(secret: str) -> User:
    member = feed_queries.member_for_feed(secret)
    if member is None or needs_pledge(member):
        raise NotFound("There is no such feed.")
    return member


@bp.get("/feeds/<secret>/latest.atom")
@limiter.limit(_feed_limit)
def latest(secret: str) -> Response:
    member = _member_or_404(secret)
    rows = listings.feed_threads(member, FEED_SIZE)
    return _atom(rows, "Latest threads", external_url("lists.latest"))


@bp.get("/feeds/<secret>/c/<slug>.atom")
@limiter.limit(_feed_limit)
def category(secret: str, slug: str) -> Response:
    member = _member_or_404(secret)
    try:
        found = queries.get_category_or_404(slug, member)
    except CategoryMoved as moved:
        return redirect(url_for("feeds.category", secret=secret, slug=moved.slug), 301)
    rows = listings.feed_threads(member, FEED_SIZE, category=found)
    return _atom(rows, found.name, external_url("categories.show", slug=found.slug))


@bp.get("/feeds/<secret>/tags/<slug>.atom")
@limiter.limit(_feed_limit)
def tag(secret: str, slug: str) -> Response:
    member = _member_or_404(secret)
    found = listings.get_tag_or_none(slug)
    if found is None:
        raise NotFound("There is no such tag.")
    rows = listings.feed_threads(member, FEED_SIZE, tag=found)
    return _atom(rows, f"Tagged “{found.name}”", external_url("lists.tag", slug=found.slug))


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    link: str
    title: str
    #: Empty in a sensitive category: the title only (a name beside it says too much).
    author: str
    published: datetime
    updated: datetime
    #: Plain text; empty in a sensitive category, or when the opening post is not public.
    summary: str
    category: str


def _entry(row: FeedRow) -> FeedEntry:
    thread, opening = row.thread, row.opening
    sensitive = thread.category.is_sensitive
    summary = ""
    if opening is not None and not sensitive:
        summary = plaintext.excerpt(opening.body_html, SUMMARY_LENGTH)
    return FeedEntry(
        id=external_url("threads.show", thread_id=thread.id),
        link=external_url("threads.show", thread_id=thread.id, slug=thread.slug),
        title=_xml(thread.title),
        author="" if sensitive else _xml(thread.author_name),
        published=thread.created_at,
        updated=thread.last_post_at,
        summary=_xml(summary),
        category=_xml(thread.category.name),
    )


def _atom(rows: list[FeedRow], title: str, alternate: str) -> Response:
    entries = [_entry(row) for row in rows]
    updated = max((e.updated for e in entries), default=EPOCH)
    body = render_template(
        "notifications/feeds/feed.atom.xml",
        title=_xml(title),
        alternate=alternate,
        # From the configured site address, like every link in the feed, never the Host.
        self_url=external_url(request.endpoint or "", **(request.view_args or {})),
        updated=updated,
        entries=entries,
    )
    response = current_app.response_class(body, content_type=ATOM)
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.last_modified = updated
    # Private to the member: no shared cache may keep it; a reader asks again each time.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response.make_conditional(request)


# The member's page ----------------------------------------------------------------------


@bp.get("/account/feeds")
def manage() -> str:
    address = feed_queries.feed_address_of(current_user)
    works = feed_queries.address_works(current_user, address)
    return render_template("notifications/feeds/manage.html", address=address, works=works)


@bp.post("/account/feeds")
def new_address() -> Response:
    """Make a new address and show it, this once: only its hash is kept."""
    member = signed_in_member()
    secret = feed_addresses.new_feed_address(member, member)
    db.session.commit()
    body = render_template(
        "notifications/feeds/manage.html",
        urls=_feed_urls(secret, queries.visible_categories(member)),
        works=True,
    )
    response = current_app.response_class(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/feeds/withdraw")
def withdraw() -> Response:
    member = signed_in_member()
    feed_addresses.withdraw_feed_address(member, member)
    db.session.commit()
    flash("Your feed addresses no longer work.", "success")
    return redirect(url_for("feeds.manage"))


def _feed_urls(secret: str, categories: Sequence[Category]) -> dict[str, object]:
    """The member's feed addresses: latest, each category they can see, and a tag's form."""
    return {
        "latest": external_url("feeds.latest", secret=secret),
        "categories": [
            (c.name, external_url("feeds.category", secret=secret, slug=c.slug)) for c in categories
        ],
        "tag": external_url("feeds.tag", secret=secret, slug="TAG"),
    }
