"""Thread lists: latest, unread, unanswered, unsolved, mine, per tag; bookmarks; mark read."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from forum import queries
from forum.extensions import db
from forum.models import Category, Tag
from forum.queries import listings
from forum.queries.listings import ListKind
from forum.services.discussions import reading
from forum.web.paging import page_arg
from forum.web.security import safe_next_url

bp = Blueprint("lists", __name__)

#: Tab order, endpoint and label of the lists every member has.
TABS = (
    (ListKind.LATEST, "lists.latest", "Latest"),
    (ListKind.UNREAD, "lists.unread", "Unread"),
    (ListKind.UNANSWERED, "lists.unanswered", "Unanswered"),
    (ListKind.UNSOLVED, "lists.unsolved", "Unsolved questions"),
    (ListKind.MINE, "lists.mine", "My threads"),
)
EMPTY = {
    ListKind.LATEST: "Nothing has been posted yet.",
    ListKind.UNREAD: "You are all caught up: nothing new since you last read.",
    ListKind.UNANSWERED: "Every thread has at least one reply.",
    ListKind.UNSOLVED: "Every question has an accepted answer.",
    ListKind.MINE: "You have not started or replied to a thread yet.",
    ListKind.TAG: "No threads you can see have this tag yet.",
}


def _category_filter(categories: Sequence[Category]) -> Category | None:
    """The ``?category=<slug>`` filter, resolved among the categories the member can see."""
    slug = request.args.get("category", "")
    if not slug:
        return None
    found = next((c for c in categories if c.slug == slug), None)
    if found is None:
        raise NotFound("That category does not exist, or you cannot see it.")
    return found


def _render_list(kind: ListKind, endpoint: str, title: str, **extra: object) -> str:
    categories = queries.visible_categories(current_user)
    category = _category_filter(categories)
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = listings.thread_list(
        current_user, kind, page_arg(), per_page, category=category, tag=extra.get("tag")
    )
    unread = listings.unread_by_category(current_user)
    return render_template(
        "discussions/lists/threads.html",
        kind=kind,
        endpoint=endpoint,
        title=title,
        page=page,
        categories=categories,
        category=category,
        unread=unread,
        tabs=TABS,
        empty=EMPTY[kind],
        url_args=_url_args(extra.get("tag")),
        **extra,
    )


def _url_args(tag: object) -> dict[str, str]:
    return {"slug": tag.slug} if isinstance(tag, Tag) else {}


@bp.get("/latest")
def latest() -> str:
    return _render_list(ListKind.LATEST, "lists.latest", "Latest")


@bp.get("/unread")
def unread() -> str:
    return _render_list(ListKind.UNREAD, "lists.unread", "Unread")


@bp.get("/unanswered")
def unanswered() -> str:
    return _render_list(ListKind.UNANSWERED, "lists.unanswered", "Unanswered")


@bp.get("/unsolved")
def unsolved() -> str:
    return _render_list(ListKind.UNSOLVED, "lists.unsolved", "Unsolved questions")


@bp.get("/my-threads")
def mine() -> str:
    return _render_list(ListKind.MINE, "lists.mine", "My threads")


@bp.get("/tags")
def tags() -> str:
    return render_template(
        "discussions/lists/tags.html",
        tags=listings.tags_with_counts(current_user),
        tabs=TABS,
        category=None,
    )


@bp.get("/tags/<slug>")
def tag(slug: str) -> str:
    found = listings.get_tag_or_none(slug)
    if found is None:
        raise NotFound("There is no such tag.")
    return _render_list(ListKind.TAG, "lists.tag", f"Tagged “{found.name}”", tag=found)


@bp.get("/bookmarks")
def bookmarks() -> str:
    categories = queries.visible_categories(current_user)
    category = _category_filter(categories)
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = listings.bookmarks(current_user, page_arg(), per_page, category=category)
    return render_template(
        "discussions/lists/bookmarks.html",
        page=page,
        categories=categories,
        category=category,
        tabs=TABS,
    )


@bp.post("/read-all")
def read_all() -> Response:
    """Mark everything (or one category, ``category=<slug>``) as read."""
    slug = request.form.get("category", "")
    category = queries.get_category_or_404(slug, current_user) if slug else None
    reading.mark_all_read(current_user, category)
    db.session.commit()
    where = f" in {category.name}" if category else ""
    flash(f"Everything{where} is marked as read.", "success")
    return redirect(_back(category))


def _back(category: Category | None) -> str:
    if category is not None:
        default = url_for("categories.show", slug=category.slug)
    else:
        default = url_for("lists.unread")
    return safe_next_url(request.form.get("next"), default)
