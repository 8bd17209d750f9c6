"""What members watch (threads, categories, tags) and their notification settings.

A thread's level for a member is their own choice for the thread if they made one; otherwise
it follows the thread's category and tags: muted anywhere mutes, then watching, then watching
the first post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Label, delete, literal, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Category,
    CategorySubscription,
    DigestFrequency,
    NotificationSettings,
    Tag,
    TagSubscription,
    Thread,
    ThreadSubscription,
    ThreadTag,
    WatchLevel,
    utcnow,
)
from forum.policy import (
    Actor,
    can_manage_notifications,
    can_view_category,
    can_view_thread,
    is_member,
    require,
)
from forum.services.upserts import insert

THREAD_LEVELS = (WatchLevel.WATCHING, WatchLevel.TRACKING, WatchLevel.NORMAL, WatchLevel.MUTED)
TOPIC_LEVELS = (
    WatchLevel.WATCHING,
    WatchLevel.WATCHING_FIRST_POST,
    WatchLevel.NORMAL,
    WatchLevel.MUTED,
)
#: Settings members may change, with the defaults of a member without a settings row.
SETTING_NAMES = (
    "watch_started",
    "watch_replied",
    "email_enabled",
    "email_days",
    "window_start",
    "window_end",
    "digest",
    "digest_time",
    "digest_weekday",
)


# Settings --------------------------------------------------------------------------------


def settings_for(user_id: int) -> NotificationSettings:
    """The member's settings row, or an unsaved one with the defaults."""
    found = db.session.get(NotificationSettings, user_id)
    return found if found is not None else _defaults(user_id)


def _defaults(user_id: int) -> NotificationSettings:
    settings = NotificationSettings(user_id=user_id)
    for column in NotificationSettings.__table__.columns:
        if column.default is not None and getattr(settings, column.key) is None:
            value = column.default.arg
            setattr(settings, column.key, value(None) if callable(value) else value)
    return settings


def _stored_settings(user_id: int) -> NotificationSettings:
    settings = db.session.get(NotificationSettings, user_id)
    if settings is None:
        settings = _defaults(user_id)
        db.session.add(settings)
    return settings


def _check_settings(values: dict[str, object]) -> None:
    if values.get("digest", DigestFrequency.OFF) not in tuple(DigestFrequency):
        raise ServiceError("Choose how often to get a digest.", "digest")
    for name in ("window_start", "window_end", "digest_time"):
        minutes = values.get(name, 0)
        if not isinstance(minutes, int) or not 0 <= minutes <= 24 * 60:
            raise ServiceError("Give a time of day, like 18:30.", name)
    if not 0 <= int(values.get("digest_weekday", 0)) <= 6:  # type: ignore[call-overload]
        raise ServiceError("Choose a day of the week.", "digest_weekday")
    if not 0 <= int(values.get("email_days", 0)) <= 0b1111111:  # type: ignore[call-overload]
        raise ServiceError("Choose the days email may be sent.", "email_days")


def update_settings(actor: Actor, user_id: int, **values: object) -> NotificationSettings:
    """Save the member's choices (any of ``SETTING_NAMES``)."""
    require(can_manage_notifications(actor, user_id))
    unknown = set(values) - set(SETTING_NAMES)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    _check_settings(values)
    settings = _stored_settings(user_id)
    digest_changed = any(
        name in values and values[name] != getattr(settings, name)
        for name in ("digest", "digest_time", "digest_weekday", "email_days")
    )
    for name, value in values.items():
        setattr(settings, name, value)
    now = utcnow()
    if digest_changed:  # no digest for a period that began before this choice
        settings.digest_since = now
    settings.updated_at = now
    db.session.flush()
    return settings


def stop_all_email(user_id: int) -> None:
    """Unsubscribe from everything: notification emails and digests."""
    settings = _stored_settings(user_id)
    settings.email_enabled, settings.digest = False, DigestFrequency.OFF
    settings.updated_at = utcnow()
    db.session.flush()


def stop_category_email(user_id: int, category_id: int) -> None:
    """Unsubscribe from one category: nothing about it is emailed (in-app stays)."""
    row = db.session.get(CategorySubscription, (user_id, category_id))
    if row is None:
        row = CategorySubscription(user_id=user_id, category_id=category_id)
        row.level = WatchLevel.NORMAL
        db.session.add(row)
    row.email, row.updated_at = False, utcnow()
    db.session.flush()


# Choosing levels ---------------------------------------------------------------------------


def set_thread_level(actor: Actor, thread: Thread, level: str) -> None:
    """Watch, track, follow normally or mute ``thread``."""
    require(is_member(actor) and can_view_thread(actor, thread))
    if level not in THREAD_LEVELS:
        raise ServiceError("Choose how to be notified about this thread.", "level")
    _upsert(ThreadSubscription, actor.id, thread_id=thread.id, level=level)


def set_category_level(actor: Actor, category: Category, level: str, *, email: bool = True) -> None:
    require(is_member(actor) and can_view_category(actor, category))
    if level not in TOPIC_LEVELS:
        raise ServiceError("Choose how to be notified about this category.", "level")
    _upsert(CategorySubscription, actor.id, category_id=category.id, level=level, email=email)


def set_tag_level(actor: Actor, tag: Tag, level: str) -> None:
    require(is_member(actor))
    if level not in TOPIC_LEVELS:
        raise ServiceError("Choose how to be notified about this tag.", "level")
    _upsert(TagSubscription, actor.id, tag_id=tag.id, level=level)


def _upsert(model: type, user_id: int, **values: object) -> None:
    keys = ["user_id", next(name for name in values if name.endswith("_id"))]
    stmt = insert(model).values(user_id=user_id, updated_at=utcnow(), **values)
    changes = {name: stmt.excluded[name] for name in values if name not in keys}
    changes["updated_at"] = stmt.excluded.updated_at
    db.session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changes))


def auto_watch(user_id: int | None, thread: Thread, *, started: bool) -> None:
    """Watch a thread the member started or replied to, if their settings say so and they
    have not chosen a level for it already."""
    if user_id is None:
        return
    settings = settings_for(user_id)
    if not (settings.watch_started if started else settings.watch_replied):
        return
    stmt = insert(ThreadSubscription).values(
        user_id=user_id, thread_id=thread.id, level=WatchLevel.WATCHING, updated_at=utcnow()
    )
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "thread_id"]))


def forget_thread_levels(actor: Actor, thread_ids: Iterable[int]) -> None:
    """Go back to the category's and tags' levels for these threads."""
    require(can_manage_notifications(actor, actor.id))
    ids = list(thread_ids)
    if ids:
        db.session.execute(
            delete(ThreadSubscription).where(
                ThreadSubscription.user_id == actor.id, ThreadSubscription.thread_id.in_(ids)
            )
        )


# Who hears about a thread -----------------------------------------------------------------


@dataclass
class Audience:
    """Members with a level other than normal for one thread."""

    levels: dict[int, str] = field(default_factory=dict)
    #: Those who muted the thread itself: not even a mention reaches them.
    thread_muted: set[int] = field(default_factory=set)


def _combined(levels: set[str]) -> str:
    for level in (WatchLevel.MUTED, WatchLevel.WATCHING, WatchLevel.WATCHING_FIRST_POST):
        if level in levels:
            return level
    return WatchLevel.NORMAL


def thread_audience(thread: Thread, tag_ids: Iterable[int] | None = None) -> Audience:
    """Each interested member's level for ``thread`` (one query; ``tag_ids`` defaults to the
    thread's tags)."""
    tags = (
        select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread.id)
        if tag_ids is None
        else list(tag_ids)
    )
    rows = db.session.execute(
        select(ThreadSubscription.user_id, ThreadSubscription.level, _source("thread"))
        .where(ThreadSubscription.thread_id == thread.id)
        .union_all(
            select(CategorySubscription.user_id, CategorySubscription.level, _source("topic"))
            .where(CategorySubscription.category_id == thread.category_id)
            .where(CategorySubscription.level != WatchLevel.NORMAL),
            select(TagSubscription.user_id, TagSubscription.level, _source("topic"))
            .where(TagSubscription.tag_id.in_(tags))
            .where(TagSubscription.level != WatchLevel.NORMAL),
        )
    ).all()
    return _audience(rows)


def _source(name: str) -> Label[str]:
    return literal(name).label("source")


def _audience(rows: Iterable[tuple[int, str, str]]) -> Audience:
    own: dict[int, str] = {}
    topics: dict[int, set[str]] = {}
    for user_id, level, source in rows:
        if source == "thread":
            own[user_id] = level
        else:
            topics.setdefault(user_id, set()).add(level)
    audience = Audience()
    for user_id in own.keys() | topics.keys():
        level = own.get(user_id) or _combined(topics.get(user_id, set()))
        audience.levels[user_id] = level
        if own.get(user_id) == WatchLevel.MUTED:
            audience.thread_muted.add(user_id)
    return audience


def thread_level(user_id: int, thread: Thread) -> tuple[str, bool]:
    """The member's level for ``thread`` and whether they chose it for the thread itself."""
    own = db.session.get(ThreadSubscription, (user_id, thread.id))
    if own is not None:
        return own.level, True
    audience = thread_audience(thread)
    level = audience.levels.get(user_id, WatchLevel.NORMAL)
    return (WatchLevel.WATCHING if level == WatchLevel.WATCHING else WatchLevel.NORMAL), False


def category_email_off(user_id: int) -> set[int]:
    """Categories the member unsubscribed from by email."""
    return set(
        db.session.scalars(
            select(CategorySubscription.category_id).where(
                CategorySubscription.user_id == user_id, CategorySubscription.email.is_(False)
            )
        )
    )
