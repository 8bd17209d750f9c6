"""In-app notifications: created inside the transaction of what caused them.

Other services call the ``notify_*`` and ``post_published`` hooks; members read and mark them
read; hiding, deleting or redacting a post removes them (``remove_notifications_for_post``).
Each member's unread total is recounted on ``users.unread_notification_count`` whenever their
notifications change, so every page's header shows it without a query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from forum.extensions import db
from forum.models import (
    EmailPostLink,
    HelpfulMark,
    ModerationMessage,
    Notification,
    NotificationKind,
    NotificationSettings,
    OutboxMessage,
    OutboxStatus,
    Post,
    Thread,
    User,
    utcnow,
)
from forum.policy import Actor, can_be_notified_about, can_manage_notifications, require
from forum.queries.notifications import GROUPED_KINDS
from forum.services.notifications import fanout as notification_fanout
from forum.services.notifications import subscriptions
from forum.services.notifications.fanout import Recipient

#: Tags given to a thread this soon after it started tell the tags' watchers about it.
NEW_THREAD_TAGGING = timedelta(days=2)


def email_due(now: datetime) -> datetime:
    """When a notification made at ``now`` may be emailed, if it is still unread."""
    return now + timedelta(minutes=int(current_app.config["EMAIL_DELAY_MINUTES"]))


def _add(
    recipients: Iterable[Recipient],
    now: datetime,
    *,
    lock_also: int | None = None,
    **fields: object,
) -> list[Notification]:
    made = [
        Notification(
            user_id=r.user_id,
            kind=r.kind,
            created_at=now,
            email_due_at=email_due(now) if r.emailable else None,
            **fields,
        )
        for r in recipients
    ]
    if made:
        db.session.add_all(made)
        db.session.flush()
        recount_unread((n.user_id for n in made), lock_also=lock_also)
    return made


# Hooks called by other services ------------------------------------------------------------


def post_published(thread: Thread, post: Post, *, now: datetime | None = None) -> None:
    """Tell watchers, mentioned and quoted members about ``post`` once members can see it.

    Called when a post is created and when a held post is approved; does nothing while the
    post or its thread is hidden, held or deleted.
    """
    if not notification_fanout.is_public(thread, post):
        return
    now = now or utcnow()
    subscriptions.auto_watch(post.author_id, thread, started=post.post_number == 1)
    recipients = notification_fanout.recipients_for_post(thread, post)
    # The author's row is counted after this (services/discussions/posting.py): lock it in
    # the same id-ordered batch as the recipients' rows.
    _add(recipients, now, lock_also=post.author_id, **_about(thread, post))


def notify_tags_added(
    thread: Thread, tag_ids: Iterable[int], *, now: datetime | None = None
) -> None:
    """Tell watchers of a new thread's tags about it (once each); retagging an older thread
    tells nobody."""
    now, tag_ids = now or utcnow(), list(tag_ids)
    if thread.created_at < now - NEW_THREAD_TAGGING:
        return
    opening = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.post_number == 1)
    )
    if not tag_ids or opening is None or not notification_fanout.is_public(thread, opening):
        return
    recipients = notification_fanout.recipients_for_new_tags(thread, opening, tag_ids)
    _add(recipients, now, **_about(thread, opening))


def post_edited(post: Post, *, now: datetime | None = None) -> None:
    """Tell members newly @mentioned by an edit (those mentioned before heard already)."""
    if not notification_fanout.is_public(post.thread, post):
        return
    recipients = notification_fanout.recipients_for_edit(post.thread, post)
    _add(recipients, now or utcnow(), **_about(post.thread, post))


def post_reply_target(thread: Thread, post: Post) -> None:
    """``post`` answers another member's post: tell that member it is a reply to them
    (a watcher's notification becomes a reply one)."""
    if post.reply_to_post_id is None or not notification_fanout.is_public(thread, post):
        return
    recipient = notification_fanout.reply_recipient(thread, post)
    if recipient is None:
        return
    told = db.session.scalar(
        select(Notification).where(
            Notification.post_id == post.id, Notification.user_id == recipient.user_id
        )
    )
    if told is None:
        _add([recipient], post.created_at, **_about(thread, post))
    elif told.kind == NotificationKind.WATCHED_REPLY:
        told.kind = NotificationKind.REPLY
        told.email_due_at = told.email_due_at or email_due(told.created_at)
        db.session.flush()


def _about(thread: Thread, post: Post) -> dict[str, object]:
    return {
        "thread_id": thread.id,
        "post_id": post.id,
        "actor_id": post.author_id,
        "actor_name": post.author_name,
    }


def notify_solution(actor: Actor, thread: Thread, post: Post) -> None:
    """Tell a reply's author it was accepted as the solution."""
    author = db.session.get(User, post.author_id) if post.author_id else None
    if author is None or author.id == actor.id or not can_be_notified_about(author, thread):
        return
    recipient = Recipient(author.id, NotificationKind.SOLUTION)
    fields = {"thread_id": thread.id, "post_id": post.id}
    _add([recipient], utcnow(), actor_id=actor.id, actor_name=actor.display_name, **fields)


def notify_helpful(actor: Actor, post: Post) -> None:
    """Tell the author; marks add up in one unread notification ("3 people ...")."""
    if post.author_id is None or post.author_id == actor.id:
        return
    earlier = select(Notification).where(
        Notification.user_id == post.author_id,
        Notification.post_id == post.id,
        Notification.kind == NotificationKind.HELPFUL,
    )
    batch = db.session.scalar(earlier.where(Notification.read_at.is_(None)))
    if batch is None:
        recipient = Recipient(post.author_id, NotificationKind.HELPFUL, emailable=False)
        fields = {"thread_id": post.thread_id, "post_id": post.id}
        _add([recipient], utcnow(), actor_id=actor.id, actor_name=actor.display_name, **fields)
        return
    last_read = earlier.with_only_columns(func.max(Notification.read_at))
    batch.count = _marks_since(post.id, db.session.scalar(last_read))
    batch.actor_id, batch.actor_name = actor.id, actor.display_name
    db.session.flush()


def _marks_since(post_id: int, since: datetime | None) -> int:
    """Marks made since the member last read a helpful notification about the post."""
    stmt = select(func.count()).where(HelpfulMark.post_id == post_id)
    if since is not None:
        stmt = stmt.where(HelpfulMark.created_at > since)
    return max(db.session.scalar(stmt) or 0, 1)


def notify_moderation(message: ModerationMessage) -> None:
    """A moderation outcome about the member's content, or about them."""
    recipient = Recipient(message.user_id, NotificationKind.MODERATION)
    _add([recipient], utcnow(), summary=message.summary[:300], actor_name="Moderators")


def notify_join_approved(user: User) -> None:
    """Welcome a member whose join request was approved (the approval email went already)."""
    recipient = Recipient(user.id, NotificationKind.JOIN_APPROVED, emailable=False)
    summary = "Welcome! Your request to join was approved."
    _add([recipient], utcnow(), summary=summary, actor_name="Staff")


def notify_guidance_changed(actor: Actor, new_lines: Mapping[int, list[str]]) -> None:
    """Guidance the posts cite changed: tell each post's author and its category's moderators,
    once per post while unread (a later change adds to the unread notification's summary)."""
    found = notification_fanout.about_answers(new_lines, moderators=True)
    unread = _unread_about(NotificationKind.GUIDANCE_CHANGED, list(new_lines))
    now, made = utcnow(), []
    for post, user_ids in found:
        summary = "; ".join(new_lines[post.id])
        for user_id in user_ids:
            if user_id == actor.id:
                continue
            if (earlier := unread.get((user_id, post.id))) is not None:
                earlier.summary = f"{earlier.summary}; {summary}"[:300]
                continue
            made.append(
                Notification(
                    user_id=user_id, kind=NotificationKind.GUIDANCE_CHANGED, created_at=now,
                    email_due_at=email_due(now), thread_id=post.thread_id, post_id=post.id,
                    actor_id=actor.id, actor_name="Staff", summary=summary[:300],
                )
            )  # fmt: skip
    db.session.add_all(made)
    db.session.flush()
    recount_unread(n.user_id for n in made)


def _unread_about(kind: str, post_ids: list[int]) -> dict[tuple[int, int], Notification]:
    stmt = select(Notification).where(
        Notification.kind == kind,
        Notification.post_id.in_(post_ids),
        Notification.read_at.is_(None),
    )
    return {(n.user_id, n.post_id or 0): n for n in db.session.scalars(stmt)}


def notify_answer_review(actor: Actor, post: Post, summary: str) -> None:
    """Staff reviewed an accepted answer (superseded it, or withdrew it): tell its author."""
    for found, user_ids in notification_fanout.about_answers([post.id], moderators=False):
        recipients = [
            Recipient(uid, NotificationKind.ANSWER_REVIEW) for uid in user_ids if uid != actor.id
        ]
        fields = {"thread_id": found.thread_id, "post_id": found.id, "summary": summary[:300]}
        _add(recipients, utcnow(), actor_id=actor.id, actor_name=actor.display_name, **fields)


# Removal -------------------------------------------------------------------------------------


def remove_notifications_for_post(post_id: int) -> None:
    """Remove notifications about a post that members may no longer see (hidden, held,
    deleted or redacted), and withdraw unsent emails that quote it. An opening post takes its
    whole thread's notifications with it."""
    post = db.session.get(Post, post_id)
    if post is None:
        return
    about = (
        Notification.thread_id == post.thread_id
        if post.post_number == 1
        else Notification.post_id == post.id
    )
    users = set(db.session.scalars(select(Notification.user_id).where(about).distinct()))
    db.session.execute(delete(Notification).where(about))
    withdraw_emails_quoting(_posts_covered(post))
    recount_unread(users)


def _posts_covered(post: Post) -> list[int]:
    if post.post_number != 1:
        return [post.id]
    return list(db.session.scalars(select(Post.id).where(Post.thread_id == post.thread_id)))


def withdraw_emails_quoting(post_ids: list[int]) -> int:
    """Delete unsent emails that quote any of ``post_ids``; the notifications they carried
    are emailed again later without them, and a withdrawn digest is composed again."""
    outbox = OutboxMessage.__table__
    unsent = (
        select(outbox.c.id, outbox.c.dedupe_key)
        .join(EmailPostLink, EmailPostLink.outbox_message_id == outbox.c.id)
        .where(EmailPostLink.post_id.in_(post_ids), outbox.c.status == OutboxStatus.QUEUED)
    )
    return withdraw_emails(db.session.execute(unsent).all())


def withdraw_emails(rows: Iterable[tuple[int, str | None]]) -> int:
    """Delete unsent emails, given as ``(id, dedupe_key)``: the notifications they carried
    are emailed again later, and a withdrawn digest is composed again."""
    rows = list(rows)
    ids = sorted({row_id for row_id, _ in rows})
    if not ids:
        return 0
    _requeue_notifications(ids)
    _forget_digests(key for _, key in rows if key)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return len(ids)


def _requeue_notifications(outbox_ids: list[int]) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.outbox_message_id.in_(outbox_ids), Notification.read_at.is_(None))
        .values(email_due_at=utcnow(), emailed_at=None, outbox_message_id=None)
        .execution_options(synchronize_session=False)
    )


def _forget_digests(keys: Iterable[str]) -> None:
    for key in keys:
        kind, _, rest = key.partition(":")
        user_id = rest.partition(":")[0]
        if kind == "digest" and user_id.isdigit():
            db.session.execute(
                update(NotificationSettings)
                .where(NotificationSettings.user_id == int(user_id))
                .values(last_digest_period="")
                .execution_options(synchronize_session=False)
            )


# Reading -------------------------------------------------------------------------------------


def mark_read(actor: Actor, notification: Notification) -> None:
    """Mark a notification read, with the rest of its entry on the notifications page: the
    thread's other notifications of the kinds the page groups."""
    require(can_manage_notifications(actor, notification.user_id))
    if notification.thread_id is not None and notification.kind in GROUPED_KINDS:
        _mark(
            Notification.user_id == actor.id,
            Notification.thread_id == notification.thread_id,
            Notification.kind.in_(GROUPED_KINDS),
        )
        db.session.expire(notification, ["read_at", "email_due_at"])
        recount_unread([actor.id])
    elif notification.read_at is None:
        notification.read_at, notification.email_due_at = utcnow(), None
        db.session.flush()
        recount_unread([actor.id])


def mark_all_read(actor: Actor) -> None:
    require(can_manage_notifications(actor, actor.id))
    _mark(Notification.user_id == actor.id)
    recount_unread([actor.id])


def mark_thread_read(actor: Actor, thread: Thread, up_to: int) -> None:
    """Reading a thread reads the notifications about the posts shown (no query at all for a
    member without unread notifications)."""
    if not getattr(actor, "unread_notification_count", 0):
        return
    shown = select(Post.id).where(Post.thread_id == thread.id, Post.post_number <= up_to)
    _mark(
        Notification.user_id == actor.id,
        Notification.thread_id == thread.id,
        Notification.post_id.in_(shown),
    )
    recount_unread([actor.id])


def _mark(*where: object) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.read_at.is_(None), *where)  # type: ignore[arg-type]
        .values(read_at=utcnow(), email_due_at=None)
        .execution_options(synchronize_session=False)
    )


def recount_unread(user_ids: Iterable[int | None], *, lock_also: int | None = None) -> None:
    """Recount ``unread_notification_count`` for these members from their notifications.

    The rows are locked in id order first (with ``lock_also``, a row the caller updates
    next), in the same statement: two transactions recounting overlapping members in
    different orders deadlocked on PostgreSQL. SQLite has no row locks (writers take turns)
    and SQLAlchemy leaves ``FOR NO KEY UPDATE`` out there.
    """
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids:
        return
    locked_ids = sorted(set(ids) | ({lock_also} if lock_also is not None else set()))
    in_order = (
        select(User.id)
        .where(User.id.in_(locked_ids))
        .order_by(User.id)
        .with_for_update(key_share=True)
    )
    unread = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    db.session.execute(
        update(User)
        .where(User.id.in_(ids), User.id.in_(in_order))
        .values(unread_notification_count=unread)
        .execution_options(synchronize_session=False)
    )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, User) and obj.id in ids:
            db.session.expire(obj, ["unread_notification_count"])
