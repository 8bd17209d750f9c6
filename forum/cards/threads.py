"""A thread as a list shows it to one reader, and its rendered HTML, cached.

As with a thread page's posts: docs/architecture.md#cards-and-the-fragment-cache
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from markupsafe import Markup

from forum.cards import cache as fragments
from forum.cards.cache import FragmentCache
from forum.cards.posts import Stamp
from forum.models.thread import KIND_NAMES
from forum.queries.listings import ThreadRow

TEMPLATE = "_partials/thread_row.html"


@dataclass(frozen=True, slots=True)
class ThreadCard:
    """Everything ``_partials/thread_row.html`` renders for one thread and one reader."""

    thread_id: int
    slug: str
    title: str
    kind: str
    #: "Question", "Discussion" or "Case question".
    kind_name: str
    is_pinned: bool
    is_locked: bool
    #: Held or hidden: shown only to those who may see it anyway (its author, moderators).
    hidden: bool
    is_solved: bool
    #: Never opened, and active since the reader joined.
    is_new: bool
    unread_count: int
    has_unread: bool
    author_name: str
    created: Stamp
    #: The category's slug and name, when the list mixes categories.
    category: tuple[str, str] | None
    #: Each tag's slug and name.
    tags: tuple[tuple[str, str], ...]
    reply_count: int
    last_poster_name: str
    last_post: Stamp
    # The accepted answer's standing (docs/answers.md), from the thread's own columns.
    solution_guidance_changed: bool = False
    #: "March 2026" when staff last confirmed the accepted answer; empty if never.
    solution_reviewed_month: str = ""
    solution_verified: bool = False


def card(row: ThreadRow, *, show_category: bool, now: datetime) -> ThreadCard:
    thread = row.thread
    return ThreadCard(
        thread_id=thread.id,
        slug=thread.slug,
        title=thread.title,
        kind=thread.kind,
        kind_name=KIND_NAMES.get(thread.kind, ""),
        is_pinned=thread.is_pinned,
        is_locked=thread.is_locked,
        hidden=thread.hidden_at is not None,
        is_solved=row.is_solved,
        is_new=row.is_new,
        unread_count=row.unread_count,
        has_unread=row.has_unread,
        author_name=thread.author_name,
        created=Stamp.of(thread.created_at, now),
        category=(thread.category.slug, thread.category.name) if show_category else None,
        tags=tuple((tag.slug, tag.name) for tag in row.tags),
        reply_count=thread.reply_count,
        last_poster_name=thread.last_poster_name,
        last_post=Stamp.of(thread.last_post_at, now),
        **_solution_fields(row),
    )


def _solution_fields(row: ThreadRow) -> dict[str, object]:
    thread = row.thread
    if not row.is_solved:
        return {}
    reviewed = thread.solution_reviewed_at
    return {
        "solution_guidance_changed": thread.solution_guidance_changed_at is not None,
        "solution_reviewed_month": f"{reviewed:%B %Y}" if reviewed else "",
        "solution_verified": thread.solution_verified_at is not None,
    }


def fragment_cache() -> FragmentCache:
    """This app's cache (``THREAD_ROW_CACHE_SIZE`` entries; 0 turns caching off)."""
    return fragments.cache("thread_rows", "THREAD_ROW_CACHE_SIZE")


def rows(items: Sequence[ThreadRow], show_category: bool = False) -> Markup:
    """The HTML of a list's rows, each from the cache when its card was rendered before."""
    now = datetime.now(UTC)  # one clock for the list's 40 times
    cache = fragment_cache()
    found = []
    for row in items:
        thread_card = card(row, show_category=show_category, now=now)
        found.append(cache.html(thread_card, lambda c=thread_card: _render(c)))
    return Markup("".join(found))


def _render(thread_card: ThreadCard) -> str:
    return current_app.jinja_env.get_template(TEMPLATE).render(card=thread_card)
