"""Thread actions: lock, pin, move, rename, merge and split."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, Post, Thread, utcnow
from forum.policy import (
    Actor,
    can_merge_threads,
    can_moderate,
    can_moderate_thread,
    can_move_thread,
    can_pin_globally,
    require,
)
from forum.services import audit
from forum.services.confidentiality import guard as confidentiality
from forum.services.discussions.checks import TITLE_MIN_LENGTH
from forum.services.moderation import state as moderation_state
from forum.services.moderation.renumber import post_ids_in_order, renumber
from forum.text.slugs import slugify

TITLE_MAX = 200
PIN_SCOPES = ("category", "site")


def _record(actor: Actor, action: str, thread: Thread, before: dict, after: dict, reason: str):
    audit.record(actor, action, target=thread, before=before, after=after, reason=reason)


def set_locked(actor: Actor, thread: Thread, locked: bool, *, reason: str = "") -> None:
    """Lock (no new replies but from moderators) or unlock a thread."""
    require(can_moderate_thread(actor, thread))
    if thread.is_locked == locked:
        return
    thread.is_locked = locked
    action = "thread.lock" if locked else "thread.unlock"
    _record(actor, action, thread, {"locked": not locked}, {"locked": locked}, reason)
    db.session.flush()


def _pin_state(thread: Thread) -> dict[str, bool]:
    return {"pinned": thread.is_pinned, "site_wide": thread.is_pinned_globally}


def pin_thread(actor: Actor, thread: Thread, *, scope: str = "category", reason: str = "") -> None:
    """Pin to the top of its category, or also to the top of everyone's home page."""
    require(can_moderate_thread(actor, thread))
    if scope not in PIN_SCOPES:
        raise ServiceError("Choose where to pin the thread.", "scope")
    if scope == "site":
        require(can_pin_globally(actor, thread))
    before = _pin_state(thread)
    thread.is_pinned, thread.is_pinned_globally = True, scope == "site"
    _record(actor, "thread.pin", thread, before, _pin_state(thread), reason)
    db.session.flush()


def unpin_thread(actor: Actor, thread: Thread, *, reason: str = "") -> None:
    require(can_moderate_thread(actor, thread))
    if thread.is_pinned_globally:
        require(can_pin_globally(actor, thread))
    before = _pin_state(thread)
    thread.is_pinned = thread.is_pinned_globally = False
    _record(actor, "thread.unpin", thread, before, _pin_state(thread), reason)
    db.session.flush()


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not TITLE_MIN_LENGTH <= len(title) <= TITLE_MAX:
        raise ServiceError(
            f"Use between {TITLE_MIN_LENGTH} and {TITLE_MAX} characters for the title.", "title"
        )
    return title


def rename_thread(actor: Actor, thread: Thread, *, title: str, reason: str = "") -> None:
    require(can_moderate_thread(actor, thread))
    title = clean_title(title)
    confidentiality.check_texts(actor, {"title": title}, category=thread.category)
    if title == thread.title:
        raise ServiceError("That is the thread's title already.", "title")
    before = {"title": thread.title}
    thread.title, thread.slug = title, slugify(title)
    _record(actor, "thread.rename", thread, before, {"title": title}, reason)
    if thread.category.last_thread_id == thread.id:
        moderation_state.refresh_category(thread.category_id)
    db.session.flush()


def move_thread(actor: Actor, thread: Thread, destination: Category, *, reason: str = "") -> None:
    """Move a thread, with all its posts, to another category."""
    require(can_move_thread(actor, thread, destination))
    moderation_state.lock_thread(thread.id)
    source = thread.category
    thread.category_id, thread.category = destination.id, destination
    db.session.flush()
    moderation_state.refresh_category(source.id)
    moderation_state.refresh_category(destination.id)
    before, after = {"category": source.name}, {"category": destination.name}
    _record(actor, "thread.move", thread, before, after, reason)
    db.session.flush()
    db.session.expire(source, moderation_state.CATEGORY_COUNTERS)
    db.session.expire(destination, moderation_state.CATEGORY_COUNTERS)


def _lock_in_order(*threads: Thread) -> None:
    for thread_id in sorted(t.id for t in threads):  # a fixed order: no deadlocks
        moderation_state.lock_thread(thread_id)


def _merged_order(target: Thread, source: Thread) -> list[int]:
    """The target's opening post first, then every other post by when it was written."""
    rows = db.session.execute(
        select(Post.id, Post.thread_id, Post.post_number, Post.created_at).where(
            Post.thread_id.in_([target.id, source.id])
        )
    ).all()
    opening = [r.id for r in rows if r.thread_id == target.id and r.post_number == 1]
    others = sorted(
        (r for r in rows if r.id not in opening),
        key=lambda r: (r.created_at, r.thread_id != target.id, r.post_number, r.id),
    )
    return opening + [r.id for r in others]


def merge_threads(actor: Actor, source: Thread, target: Thread, *, reason: str = "") -> None:
    """Move every post of ``source`` into ``target``, in time order; ``source`` then
    redirects to ``target``."""
    require(can_merge_threads(actor, source, target))
    _lock_in_order(source, target)
    categories = {source.category_id, target.category_id}
    before = {
        "source": source.title,
        "source_posts": source.last_post_number,
        "target_posts": target.last_post_number,
    }
    renumber(target.id, _merged_order(target, source))
    source.deleted_at, source.merged_into_id = utcnow(), target.id
    source.last_post_number = source.reply_count = 0
    if source.solution_post_id is not None:
        source.solution_post_id = None
    db.session.flush()
    _refresh(target.id, categories)
    after = {"target": target.title, "target_posts": _count_posts(target.id)}
    _record(actor, "thread.merge", target, before, after, reason)
    db.session.flush()
    db.session.expire_all()


def _count_posts(thread_id: int) -> int:
    return len(post_ids_in_order(thread_id))


def _refresh(thread_id: int, categories: set[int]) -> None:
    moderation_state.refresh_thread(thread_id)
    for category_id in sorted(categories):
        moderation_state.refresh_category(category_id)


def _split_selection(thread: Thread, post_ids: Sequence[int]) -> list[Post]:
    chosen = set(post_ids)
    posts = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id, Post.id.in_(chosen))
        .order_by(Post.post_number)
    ).all()
    if not posts or len(posts) != len(chosen):
        raise ServiceError("Choose one or more posts of this thread to split off.", "posts")
    if posts[0].post_number == 1:
        raise ServiceError(
            "The opening post cannot be split off: move or rename the thread instead.", "posts"
        )
    if posts[0].is_deleted:
        raise ServiceError(
            "The first post you split off opens the new thread, so it cannot be a deleted post.",
            "posts",
        )
    return list(posts)


def split_thread(
    actor: Actor,
    thread: Thread,
    post_ids: Sequence[int],
    *,
    title: str,
    destination: Category,
    reason: str = "",
) -> Thread:
    """Start a new thread in ``destination`` from the chosen posts, keeping their order."""
    require(can_moderate_thread(actor, thread) and can_moderate(actor, destination))
    title = clean_title(title)
    confidentiality.check_texts(actor, {"title": title}, category=destination)
    moderation_state.lock_thread(thread.id)
    posts = _split_selection(thread, post_ids)
    first = posts[0]
    new = Thread(
        category_id=destination.id,
        author_id=first.author_id,
        author_name=first.author_name,
        title=title,
        slug=slugify(title),
        created_at=first.created_at,
        last_post_at=first.created_at,
        last_poster_name=first.author_name,
        hidden_at=first.hidden_at or first.held_at,
    )
    db.session.add(new)
    db.session.flush()
    moved = [p.id for p in posts]
    if thread.solution_post_id in moved:
        thread.solution_post_id = None
    remaining = [pid for pid in post_ids_in_order(thread.id) if pid not in set(moved)]
    renumber(new.id, moved)
    renumber(thread.id, remaining)
    db.session.flush()
    moderation_state.refresh_thread(new.id)
    _refresh(thread.id, {thread.category_id, destination.id})
    before = {"thread_id": thread.id, "posts": len(moved) + len(remaining)}
    after = {"new_thread_id": new.id, "moved_posts": len(moved), "title": title}
    _record(actor, "thread.split", thread, before, after, reason)
    db.session.flush()
    db.session.expire_all()
    return new
