"""Who is told about a newly visible post, and why.

Each member hears about a post once, for the strongest reason: a mention, then a quote of
their post, then a reply to their post, then watching (or tracking) the thread, its category
or its tags. Nobody hears about a post they cannot see, nor about their own post.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import (
    CategoryModerator,
    Group,
    GroupMember,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Thread,
    ThreadSubscription,
    User,
    WatchLevel,
)
from forum.policy import can_be_notified_about, can_view_post, is_member
from forum.services.notifications import subscriptions
from forum.text import markup

#: At most this many @mentions in one post notify anyone (a long list is a broadcast).
MAX_MENTIONS = 20
#: A mentioned group notifies at most this many of its members who may read the thread.
GROUP_MENTION_LIMIT = 50
#: ``quoting.quote_markdown`` heads a quote with ``[wrote](/p/<id>)``.
QUOTE_SOURCE = re.compile(r"\[wrote\]\((?:[^)\s]*?)/p/(\d{1,12})\)")
DIRECT = (NotificationKind.MENTION, NotificationKind.QUOTE, NotificationKind.REPLY)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    kind: str
    #: Watching and direct notifications may be emailed; tracking ones never are.
    emailable: bool = True


def is_public(thread: Thread, post: Post) -> bool:
    """Visible to members: neither the post nor its thread is hidden, held or deleted."""
    withheld = (post.hidden_at, post.held_at, post.deleted_at, thread.hidden_at, thread.deleted_at)
    return all(value is None for value in withheld)


def recipients_for_post(thread: Thread, post: Post) -> list[Recipient]:
    """Everyone to tell about ``post``, once each, already filtered by what they may see."""
    audience = subscriptions.thread_audience(thread)
    chosen = _direct(thread, post)
    for user_id, level in audience.levels.items():
        if user_id not in chosen and (found := _watching(user_id, level, post)) is not None:
            chosen[user_id] = found
    for user_id in audience.thread_muted:
        chosen.pop(user_id, None)
    chosen.pop(post.author_id, None)  # type: ignore[arg-type]
    return _allowed(thread, chosen.values(), _already_told(post.id))


def recipients_for_new_tags(
    thread: Thread, opening: Post, tag_ids: Iterable[int]
) -> list[Recipient]:
    """Watchers of tags just added to ``thread`` who have not heard of it yet."""
    audience = subscriptions.thread_audience(thread, tag_ids)
    chosen = {
        user_id: Recipient(user_id, NotificationKind.NEW_THREAD)
        for user_id, level in audience.levels.items()
        if level in (WatchLevel.WATCHING, WatchLevel.WATCHING_FIRST_POST)
        and user_id != opening.author_id
    }
    return _allowed(thread, chosen.values(), _already_told(opening.id))


def recipients_for_edit(thread: Thread, post: Post) -> list[Recipient]:
    """Members an edit mentions for the first time (compared with the last revision)."""
    before = db.session.scalar(
        select(PostRevision.body_source)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.revision_number.desc())
        .limit(1)
    )
    earlier = set(markup.extract_mentions(before or ""))
    names = [n for n in markup.extract_mentions(post.body_source) if n not in earlier]
    muted = subscriptions.thread_audience(thread).thread_muted if names else set()
    named = _user_ids_named(names[:MAX_MENTIONS])
    named += _group_members_named(thread, post, names[:MAX_MENTIONS])
    chosen = [
        Recipient(user_id, NotificationKind.MENTION)
        for user_id in dict.fromkeys(named)
        if user_id not in muted and user_id != post.author_id
    ]
    return _allowed(thread, chosen, _already_told(post.id))


def reply_recipient(thread: Thread, post: Post) -> Recipient | None:
    """The author of the post ``post`` replies to, if they may and want to hear of it."""
    found = _authors_of([post.reply_to_post_id]) if post.reply_to_post_id else []
    if not found or found[0] == post.author_id:
        return None
    if found[0] in subscriptions.thread_audience(thread).thread_muted:
        return None
    allowed = _allowed(thread, [Recipient(found[0], NotificationKind.REPLY)], set())
    return allowed[0] if allowed else None


def _watching(user_id: int, level: str, post: Post) -> Recipient | None:
    if post.post_number == 1:
        if level in (WatchLevel.WATCHING, WatchLevel.WATCHING_FIRST_POST):
            return Recipient(user_id, NotificationKind.NEW_THREAD)
        return None
    if level == WatchLevel.WATCHING:
        return Recipient(user_id, NotificationKind.WATCHED_REPLY)
    if level == WatchLevel.TRACKING:
        return Recipient(user_id, NotificationKind.WATCHED_REPLY, emailable=False)
    return None


def _direct(thread: Thread, post: Post) -> dict[int, Recipient]:
    """Mentioned members (by name or by group), then authors of quoted posts, then the author
    replied to."""
    found: dict[int, Recipient] = {}
    names = markup.extract_mentions(post.body_source)[:MAX_MENTIONS]
    for user_id in _user_ids_named(names) + _group_members_named(thread, post, names):
        found.setdefault(user_id, Recipient(user_id, NotificationKind.MENTION))
    quoted = [int(n) for n in QUOTE_SOURCE.findall(post.body_source)][:MAX_MENTIONS]
    for user_id in _authors_of(quoted):
        found.setdefault(user_id, Recipient(user_id, NotificationKind.QUOTE))
    if post.reply_to_post_id is not None:
        for user_id in _authors_of([post.reply_to_post_id]):
            found.setdefault(user_id, Recipient(user_id, NotificationKind.REPLY))
    return found


def _user_ids_named(names: list[str]) -> list[int]:
    if not names:
        return []
    return list(db.session.scalars(select(User.id).where(User.username.in_(names))))


def _group_readers(thread: Thread, author_id: int | None, names: list[str]) -> dict[str, list[int]]:
    """For each mentionable group ``names`` holds, its members (but the writer) who may read
    ``thread``, in the order they joined it."""
    if not names:
        return {}
    stmt = (
        select(Group.handle, User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(Group.handle.in_(names), Group.is_mentionable.is_(True))
        .order_by(Group.handle, GroupMember.added_at, User.id)
    )
    readers: dict[str, list[int]] = defaultdict(list)
    for handle, user in db.session.execute(stmt):
        if user.id != author_id and can_be_notified_about(user, thread):
            readers[handle].append(user.id)
    return readers


def _group_members_named(thread: Thread, post: Post, names: list[str]) -> list[int]:
    """The members a post's group mentions notify: of each group, the first
    ``GROUP_MENTION_LIMIT`` to have joined who may read the thread."""
    groups = _group_readers(thread, post.author_id, names).values()
    return list(dict.fromkeys(chain.from_iterable(ids[:GROUP_MENTION_LIMIT] for ids in groups)))


def group_mention_notes(thread: Thread, author_id: int | None, body: str) -> list[str]:
    """What to tell the writer of a post just published in ``thread`` about each group it
    mentions with more readers than a mention notifies."""
    names = markup.extract_mentions(body)[:MAX_MENTIONS]
    return [
        f"@{handle}: {len(ids)} of its members can read this thread, and a group mention "
        f"notifies at most {GROUP_MENTION_LIMIT}, so only the first {GROUP_MENTION_LIMIT} to "
        "join the group were notified."
        for handle, ids in _group_readers(thread, author_id, names).items()
        if len(ids) > GROUP_MENTION_LIMIT
    ]


def _authors_of(post_ids: list[int]) -> list[int]:
    if not post_ids:
        return []
    stmt = select(Post.author_id).where(Post.id.in_(post_ids), Post.author_id.is_not(None))
    return [uid for uid in db.session.scalars(stmt) if uid is not None]


def _already_told(post_id: int) -> set[int]:
    stmt = select(Notification.user_id).where(Notification.post_id == post_id)
    return set(db.session.scalars(stmt))


def _allowed(thread: Thread, candidates: Iterable[Recipient], told: set[int]) -> list[Recipient]:
    wanted = {r.user_id: r for r in candidates if r.user_id and r.user_id not in told}
    if not wanted:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(sorted(wanted)))).all()
    return [
        wanted[user.id] for user in users if is_member(user) and can_be_notified_about(user, thread)
    ]


def about_answers(post_ids: Iterable[int], *, moderators: bool) -> list[tuple[Post, list[int]]]:
    """Who hears that guidance a post cites changed, or that staff reviewed an accepted answer:
    each post's author (and, with ``moderators``, its category's moderators), but nobody who
    muted the thread or cannot see the post. Four statements for any number of posts."""
    ids = sorted(set(post_ids))
    if not ids:
        return []
    stmt = (
        select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.category))
        .where(Post.id.in_(ids))
        .order_by(Post.id)
    )
    posts = list(db.session.scalars(stmt).unique())
    mods: dict[int, set[int]] = defaultdict(set)
    if moderators:
        categories = {post.thread.category_id for post in posts}
        rows = select(CategoryModerator.category_id, CategoryModerator.user_id).where(
            CategoryModerator.category_id.in_(sorted(categories))
        )
        for category_id, user_id in db.session.execute(rows):
            mods[category_id].add(user_id)
    wanted = {
        post.id: ({post.author_id} if post.author_id else set()) | mods[post.thread.category_id]
        for post in posts
    }
    muted = _muted({post.thread_id for post in posts})
    everyone = sorted(set().union(*wanted.values())) if wanted else []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(everyone)))}
    return [
        (post, [
            uid for uid in sorted(wanted[post.id])
            if (user := users.get(uid)) is not None
            and (uid, post.thread_id) not in muted
            and is_member(user)
            and can_view_post(user, post)
        ])
        for post in posts
    ]  # fmt: skip


def _muted(thread_ids: set[int]) -> set[tuple[int, int]]:
    stmt = select(ThreadSubscription.user_id, ThreadSubscription.thread_id).where(
        ThreadSubscription.thread_id.in_(sorted(thread_ids)),
        ThreadSubscription.level == WatchLevel.MUTED,
    )
    return {(user_id, thread_id) for user_id, thread_id in db.session.execute(stmt)}
