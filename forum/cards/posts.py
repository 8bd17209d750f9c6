"""A post as the thread page shows it to one reader, and its rendered HTML, cached.

Why a frozen card, and why the cache needs no invalidation:
docs/architecture.md#cards-and-the-fragment-cache
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from forum import policy
from forum.cards import cache as fragments
from forum.cards.cache import FragmentCache
from forum.cards.times import time_element, time_parts
from forum.models import BASIS_NAMES, Post, Thread
from forum.pii import combination
from forum.policy import Actor
from forum.queries.thread_page import ReaderState

TEMPLATE = "_partials/post.html"
#: Stands for the reader's CSRF token in cached HTML; random per process, so no post can
#: contain it (bodies are members' text).
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A time as ``time_tag`` shows it: machine-readable, full and relative."""

    iso: str
    full: str
    label: str

    @classmethod
    def of(cls, value: datetime, now: datetime | None = None) -> Stamp:
        return cls(*time_parts(value, now))

    def __html__(self) -> Markup:
        return time_element(self.iso, self.full, self.label)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """The post a reply answers; ``number`` is None when it was purged."""

    post_id: int | None
    number: int | None
    author_name: str
    shown: bool


@dataclass(frozen=True, slots=True)
class PostCard:
    """Everything ``_partials/post.html`` renders for one post and one reader."""

    post_id: int
    number: int
    thread_id: int
    deleted: bool
    held: bool
    #: Held until a moderator's confidentiality check (identifiers that combine).
    held_for_check: bool
    hidden: bool
    #: Why it is held (shown to moderators) or hidden (shown to all who see it).
    status_reason: str
    author_name: str
    author_initials: str
    #: None when there is no profile to link to (anonymised or no account).
    author_username: str | None
    author_is_staff: bool
    author_job_title: str
    author_alliance: str
    author_interests: str
    created: Stamp
    edited: Stamp | None
    body_html: str
    #: What a reply says it rests on, as shown beside its author ("" when not stated).
    basis_name: str
    reply_to: ReplyTarget | None
    is_solution: bool
    is_new: bool
    helpful_count: int
    open_items: int
    # What the reader may do.
    can_moderate: bool
    can_view_revisions: bool
    can_edit: bool
    #: Moderators edit others' posts through the moderation page, with a reason.
    edit_as_moderator: bool
    can_delete: bool
    can_flag: bool
    can_mark_helpful: bool
    marked_helpful: bool
    can_bookmark: bool
    bookmarked: bool
    can_reply: bool
    can_clear_solution: bool
    can_accept: bool
    # The answer's standing (docs/answers.md): shown to every reader who sees the post.
    #: When guidance the post cites changed (a date), and what changed, a line each.
    guidance_changed_on: str = ""
    guidance_lines: tuple[str, ...] = ()
    #: The newer post staff said replaces this one.
    superseded_by_post_id: int | None = None
    #: When staff withdrew it as the accepted answer (a date), and why.
    withdrawn_on: str = ""
    withdrawn_reason: str = ""


def cards(
    actor: Actor,
    thread: Thread,
    posts: Sequence[Post],
    *,
    reader: ReaderState = ReaderState(),  # noqa: B008 - frozen, so one shared default is safe
    open_items: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> list[PostCard]:
    """The cards of one page of ``thread`` for ``actor`` (posts loaded with authors and the
    posts they reply to), with the reader's marks and read marker from before this visit."""
    page = _Page(
        actor,
        thread,
        reader,
        open_items or {},
        may_reply=policy.can_reply(actor, thread),
        may_change_solution=policy.can_change_solution(actor, thread),
        now=now or datetime.now(UTC),  # one clock for the page's 40-odd times
    )
    return [_card(page, post) for post in posts]


@dataclass(frozen=True, slots=True)
class _Page:
    """What every card of one page shares."""

    actor: Actor
    thread: Thread
    reader: ReaderState
    open_items: Mapping[int, int]
    may_reply: bool
    may_change_solution: bool
    now: datetime


def _card(page: _Page, post: Post) -> PostCard:
    actor, thread = page.actor, page.thread
    can_mod = policy.can_moderate_post(actor, post)
    can_edit = policy.can_edit_post(actor, post, now=page.now)
    is_solution = thread.solution_post_id == post.id
    return PostCard(
        post_id=post.id,
        number=post.post_number,
        thread_id=thread.id,
        deleted=post.is_deleted,
        held=post.is_held,
        held_for_check=post.is_held and combination.is_check_hold(post.held_reason),
        hidden=post.is_hidden,
        status_reason=_status_reason(post, can_mod),
        **_author_fields(post),
        created=Stamp.of(post.created_at, page.now),
        edited=Stamp.of(post.edited_at, page.now) if post.edited_at else None,
        body_html=post.body_html,
        basis_name=BASIS_NAMES.get(post.basis, "") if post.post_number != 1 else "",  # type: ignore[call-overload]
        reply_to=_reply_target(post),
        is_solution=is_solution,
        is_new=page.reader.is_unread(post),
        helpful_count=post.helpful_count,
        open_items=page.open_items.get(post.id, 0) if can_mod else 0,
        can_moderate=can_mod,
        can_view_revisions=bool(post.edited_at) and policy.can_view_revisions(actor, post),
        can_edit=can_edit,
        edit_as_moderator=can_edit and can_mod and post.author_id != actor.id,
        can_delete=policy.can_delete_post(actor, post),
        can_flag=policy.can_flag_post(actor, post),
        can_mark_helpful=policy.can_mark_helpful(actor, post),
        marked_helpful=post.id in page.reader.helpful,
        can_bookmark=policy.can_bookmark(actor, post),
        bookmarked=post.id in page.reader.bookmarked,
        can_reply=page.may_reply,
        can_clear_solution=is_solution and page.may_change_solution,
        can_accept=(
            not is_solution
            and page.may_change_solution
            and policy.can_accept_solution(actor, thread, post)
        ),
        **_standing_fields(post),
    )


def _day(value: datetime | None) -> str:
    return f"{value.day} {value:%B %Y}" if value is not None else ""


def _standing_fields(post: Post) -> dict[str, Any]:
    """Guidance changed since the post, superseded, withdrawn: columns of the post itself."""
    changed = post.guidance_changed_at
    return {
        "guidance_changed_on": _day(changed),
        "guidance_lines": tuple(post.guidance_note.splitlines()) if changed else (),
        "superseded_by_post_id": post.superseded_by_post_id,
        "withdrawn_on": _day(post.answer_withdrawn_at),
        "withdrawn_reason": post.answer_withdrawn_reason if post.answer_withdrawn_at else "",
    }


def _status_reason(post: Post, can_moderate: bool) -> str:
    """Why a post is held (for its moderators) or hidden (for all who still see it)."""
    if post.is_held and combination.is_check_hold(post.held_reason):
        return combination.detail(post.held_reason) if can_moderate else ""
    if post.is_held:
        return post.held_reason if can_moderate else ""
    return post.hidden_reason if post.is_hidden else ""


def _author_fields(post: Post) -> dict[str, Any]:
    author = post.author
    if author is None:
        return {
            "author_name": post.author_name,
            "author_initials": "?",
            "author_username": None,
            "author_is_staff": False,
            "author_job_title": "",
            "author_alliance": "",
            "author_interests": "",
        }
    return {
        "author_name": post.author_name,
        "author_initials": author.initials,
        "author_username": None if author.anonymised_at else author.username,
        "author_is_staff": author.is_staff,
        "author_job_title": author.job_title or "",
        "author_alliance": author.alliance or "",
        "author_interests": author.interests or "",
    }


def _reply_target(post: Post) -> ReplyTarget | None:
    if not post.reply_to_post_id:
        return None
    target = post.reply_to
    if target is None:
        return ReplyTarget(None, None, "", shown=False)
    shown = not (target.deleted_at or target.hidden_at or target.held_at)
    return ReplyTarget(target.id, target.post_number, target.author_name, shown=shown)


@dataclass(frozen=True, slots=True)
class WithheldCard:
    """Where a post the reader reported stood, now hidden until a moderator checks it: a
    placeholder shown to that reader only (``queries.moderation.reported_and_withheld``)."""

    number: int


WITHHELD_TEMPLATE = "_partials/post_withheld.html"


def with_withheld(
    cards: Sequence[PostCard], number: int | None, first: int, last: int
) -> list[PostCard | WithheldCard]:
    """``cards`` with a placeholder for post ``number`` in its place, if it is on this page
    (post numbers ``first`` to ``last``)."""
    shown: list[PostCard | WithheldCard] = list(cards)
    if number is None or not first <= number <= last:
        return shown
    at = next((i for i, card in enumerate(shown) if card.number > number), len(shown))
    shown.insert(at, WithheldCard(number))
    return shown


def fragment_cache() -> FragmentCache:
    """This app's cache (``POST_FRAGMENT_CACHE_SIZE`` entries; 0 turns caching off)."""
    return fragments.cache("post_fragments", "POST_FRAGMENT_CACHE_SIZE")


def render(card: PostCard | WithheldCard) -> Markup:
    """The card's HTML, from the cache when this card was rendered before."""
    if isinstance(card, WithheldCard):  # one line of text: not worth a cache entry
        template = current_app.jinja_env.get_template(WITHHELD_TEMPLATE)
        return Markup(template.render(card=card))
    html = fragment_cache().html(card, lambda: _render(card))
    return Markup(html.replace(CSRF_PLACEHOLDER, generate_csrf()))


def _render(card: PostCard) -> str:
    template = current_app.jinja_env.get_template(TEMPLATE)
    return template.render(card=card, csrf_value=CSRF_PLACEHOLDER)
