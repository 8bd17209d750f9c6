"""A member who leaves leaves no name behind.

In the deletion's transaction, every copy of the member's name, username and address that
anyone could read outside the audit log is rewritten: names stored beside the member's id,
names stored alone, and text others wrote (mentions, quotes' attributions, reports, emails),
with posts re-rendered through the one text pipeline. What is kept and why:
docs/moderation.md#members-who-leave
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, false, func, or_, select, update

from forum import search
from forum.database import overwriting_freed_space
from forum.extensions import db
from forum.models import (
    Attachment,
    AuditEntry,
    Bookmark,
    Category,
    CategoryModerator,
    CategorySubscription,
    ConfidentialityIncident,
    ConfidentialityReview,
    Draft,
    Flag,
    Invitation,
    JoinRequest,
    LearningEntry,
    LinkedIdentity,
    MemberNote,
    MemberSanction,
    ModerationItem,
    ModerationMessage,
    Notification,
    NotificationSettings,
    OutboxMessage,
    OutboxStatus,
    PledgeVersion,
    Post,
    PostRevision,
    QueueClaim,
    Resource,
    ResourceVersion,
    StoredFile,
    TagSubscription,
    Thread,
    ThreadRead,
    ThreadSubscription,
    User,
    WatchedWord,
)
from forum.services import audit
from forum.services.guidance import citations as cited
from forum.services.notifications import inbox
from forum.text.former_members import FORMER_MEMBER, Identity, NameScrubber, former_address
from forum.text.slugs import slugify

#: Names copied beside the id of whom they name: (model, name column, id column).
NAMED_BY_ID: tuple[tuple[Any, str, str], ...] = (
    (Post, "author_name", "author_id"),
    (Thread, "author_name", "author_id"),
    (PostRevision, "editor_name", "editor_id"),
    (Notification, "actor_name", "actor_id"),
    (Resource, "created_by_name", "created_by_id"),
    (ResourceVersion, "created_by_name", "created_by_id"),
    (Flag, "reporter_name", "reporter_id"),
    (ModerationItem, "resolved_by_name", "resolved_by_id"),
    (ConfidentialityReview, "resolved_by_name", "resolved_by_id"),
    (ConfidentialityIncident, "author_name", "author_id"),
    (ConfidentialityIncident, "acted_by_name", "acted_by_id"),
    (MemberSanction, "created_by_name", "created_by_id"),
    (MemberNote, "author_name", "author_id"),
    (Invitation, "invited_by_name", "invited_by_id"),
    (JoinRequest, "decided_by_name", "decided_by_id"),
    (PledgeVersion, "published_by_name", "published_by_id"),
)
#: Names kept without an id (staff records): rewritten where they are the member's name.
NAMED_ALONE: tuple[tuple[Any, str], ...] = (
    (Resource, "last_reviewed_by_name"),
    (WatchedWord, "created_by_name"),
    (MemberSanction, "lifted_by_name"),
    (CategoryModerator, "assigned_by_name"),
)


@dataclass(frozen=True)
class Written:
    """Text others wrote that may name the member: Markdown or plain, and lists of names."""

    model: Any
    text: tuple[str, ...]
    json: tuple[str, ...] = ()
    #: Columns holding only names (a one-word name is replaced there too).
    names: tuple[str, ...] = ()


WRITTEN: tuple[Written, ...] = (
    Written(PostRevision, ("body_source", "reason")),
    Written(Draft, ("title", "body"), ("fields",)),
    Written(Notification, ("summary",)),
    Written(ModerationMessage, ("summary", "reason", "thread_title")),
    Written(Flag, ("note",)),
    Written(ModerationItem, ("summary", "outcome_reason")),
    Written(MemberNote, ("body",)),
    Written(MemberSanction, ("reason",)),
    Written(ConfidentialityIncident, (), names=("reported_by",)),
    Written(Category, ("last_thread_title",)),
    Written(User, ("bio", "interests")),
    Written(Resource, ("title", "description", "audience")),
    Written(ResourceVersion, ("change_note",)),
    Written(JoinRequest, ("decision_reason",)),
    Written(Attachment, ("alt_text",)),
    # The searchable text found in a file (the file itself is not changed).
    Written(StoredFile, ("extracted_text",)),
)
#: The member's own rows that hold nothing anyone else needs.
OWN_ROWS: tuple[Any, ...] = (
    Notification,
    NotificationSettings,
    ThreadSubscription,
    CategorySubscription,
    TagSubscription,
    Bookmark,
    Draft,
    ThreadRead,
    # The learning log is private: it goes with the account.
    LearningEntry,
    # An organisation account must not sign in to a deleted account (issuer and subject).
    LinkedIdentity,
)


def forget_member(user: User) -> dict[str, int]:
    """Rewrite every readable copy of ``user``'s name, username and address (call before
    the account's own columns change); returns the rows changed per kind."""
    scrubber = NameScrubber(Identity(user.display_name, user.username, user.email))
    counts: dict[str, int] = {}
    with overwriting_freed_space(db.session):
        _forget_own_rows(user)
        counts["latest_by"] = _forget_latest_poster(user)
        counts["names"] = _forget_names(user)
        counts["posts"] = _rewrite_posts(scrubber)
        counts["threads"] = _rewrite_titles(scrubber)
        counts["texts"] = sum(_rewrite(place, scrubber) for place in WRITTEN)
        counts["emails"] = _forget_emails(user, scrubber)
        search.compact()
        db.session.flush()
    db.session.expire_all()  # the UPDATEs above bypassed the objects already loaded
    return counts


def _forget_own_rows(user: User) -> None:
    db.session.execute(delete(QueueClaim).where(QueueClaim.moderator_id == user.id))
    for model in OWN_ROWS:
        db.session.execute(delete(model).where(model.user_id == user.id))


def _set(model: Any, where: ColumnElement[bool], **values: Any) -> int:
    result = db.session.execute(
        update(model).where(where).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _forget_latest_poster(user: User) -> int:
    """Threads and categories whose latest post is the member's show "Former member" (found
    by the name shown, and by the latest visible post, under whatever name it was written)."""
    theirs = select(Post.thread_id).where(Post.author_id == user.id)
    latest_author = (
        select(Post.author_id)
        .where(
            Post.thread_id == Thread.id,
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Post.held_at.is_(None),
        )
        .order_by(Post.post_number.desc())
        .limit(1)
        .scalar_subquery()
    )
    shown = (Thread.last_poster_name == user.display_name) | (latest_author == user.id)
    threads = _set(Thread, Thread.id.in_(theirs) & shown, last_poster_name=FORMER_MEMBER)
    forgotten = select(Thread.id).where(
        Thread.id.in_(theirs), Thread.last_poster_name == FORMER_MEMBER
    )
    categories = _set(
        Category,
        Category.last_thread_id.in_(forgotten) & (Category.last_poster_name != FORMER_MEMBER),
        last_poster_name=FORMER_MEMBER,
    )
    return threads + categories


def _forget_names(user: User) -> int:
    changed = 0
    for model, name, by in NAMED_BY_ID:
        changed += _set(model, getattr(model, by) == user.id, **{name: FORMER_MEMBER})
    for model, name in NAMED_ALONE:
        changed += _set(model, getattr(model, name) == user.display_name, **{name: FORMER_MEMBER})
    return changed


def _mentioning(columns: Iterable[Any], scrubber: NameScrubber) -> ColumnElement[bool]:
    """Rows whose columns contain one of the member's texts, any case (a superset): SQLite's
    LIKE ignores case already, and ``lower()`` on each row would cost more than the match."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    found = [
        column.contains(needle, autoescape=True)
        if sqlite
        else column.icontains(needle, autoescape=True)
        for column in columns
        for needle in scrubber.needles()
    ]
    return or_(false(), *found)


def _rewrite_posts(scrubber: NameScrubber) -> int:
    """Posts that mention, quote or name the member: re-rendered from the rewritten source."""
    columns = (Post.body_source, Post.hidden_reason, Post.held_reason)
    posts = db.session.scalars(select(Post).where(_mentioning(columns, scrubber))).all()
    changed, rewritten = 0, []
    for post in posts:
        source = scrubber.sub(post.body_source)
        hidden, held = scrubber.sub(post.hidden_reason), scrubber.sub(post.held_reason)
        if (source, hidden, held) == (post.body_source, post.hidden_reason, post.held_reason):
            continue
        if source != post.body_source:
            post.body_source = source
            rewritten.append(post)
        post.hidden_reason, post.held_reason = hidden[:500], held[:300]
        changed += 1
    cited.render_again(rewritten)  # citing the versions the posts recorded
    return changed


def _rewrite_titles(scrubber: NameScrubber) -> int:
    threads = db.session.scalars(select(Thread).where(_mentioning([Thread.title], scrubber)))
    changed = 0
    for thread in threads:
        title = scrubber.sub(thread.title)[:200]
        if title != thread.title:
            thread.title, thread.slug = title, slugify(title)
            changed += 1
    return changed


def _rewrite(
    place: Written, scrubber: NameScrubber, where: ColumnElement[bool] | None = None
) -> int:
    """Rewrite one table's texts (in the rows ``where`` picks); returns how many changed."""
    model = place.model
    names = (*place.text, *place.names, *place.json)
    stmt = select(model.id, *(getattr(model, name) for name in names))
    if where is None and not place.json:
        where = _mentioning([getattr(model, n) for n in (*place.text, *place.names)], scrubber)
    if where is not None:
        stmt = stmt.where(where)
    changes = [
        (row.id, values)
        for row in db.session.execute(stmt)
        if (values := _changes(place, row, scrubber))
    ]
    for row_id, values in changes:
        _set(model, model.id == row_id, **values)
    return len(changes)


def _changes(place: Written, row: Any, scrubber: NameScrubber) -> dict[str, Any]:
    table = place.model.__table__
    values: dict[str, Any] = {}
    for name in (*place.text, *place.names):
        old = getattr(row, name)
        new = scrubber.sub(old, names=name in place.names)
        if new != old:
            values[name] = new[: getattr(table.c[name].type, "length", None)]
    for name in place.json:
        old = getattr(row, name)
        if old is not None and (new := scrubber.sub_json(old)) != old:
            values[name] = new
    return values


def _forget_emails(user: User, scrubber: NameScrubber) -> int:
    """Unsent email that names the member is withdrawn (notifications are emailed again,
    now naming a former member); email to them is deleted; a sent copy is rewritten."""
    outbox = OutboxMessage
    texts = (outbox.subject, outbox.text_body, outbox.html_body)
    to_them = func.lower(outbox.to_address) == user.email.lower()
    db.session.execute(delete(outbox).where(to_them, outbox.status != OutboxStatus.SENT))
    unsent = select(outbox.id, outbox.dedupe_key).where(
        outbox.status == OutboxStatus.QUEUED, _mentioning(texts, scrubber)
    )
    withdrawn = inbox.withdraw_emails(db.session.execute(unsent).all())
    _set(outbox, to_them, to_address=former_address(user.id))
    place = Written(outbox, ("subject", "text_body", "html_body"))
    return withdrawn + _rewrite(place, scrubber)


# The audit log, once its time is up ---------------------------------------------------------

DELETED = "account.delete"
FORGOTTEN = "audit.names_forgotten"


def identity_record(user: User) -> dict[str, str]:
    """Who the member was, for the deletion's audit entry (until ``forget_in_audit_log``)."""
    return {"display_name": user.display_name, "username": user.username, "email": user.email}


def forget_in_audit_log(now: datetime, days: int) -> int:
    """Replace, in the audit log, the name, username and address of each member who deleted
    their account more than ``days`` ago; returns how many members."""
    stmt = select(AuditEntry).where(
        AuditEntry.action == DELETED, AuditEntry.created_at < now - timedelta(days=days)
    )
    deletions = [e for e in db.session.scalars(stmt) if (e.before or {}).get("display_name")]
    for deletion in deletions:
        _forget_in_audit(deletion, now)
    return len(deletions)


def _forget_in_audit(deletion: AuditEntry, now: datetime) -> None:
    before = deletion.before or {}
    who = Identity(before["display_name"], before.get("username", ""), before.get("email", ""))
    scrubber, member_id = NameScrubber(who), deletion.target_id
    _set(AuditEntry, AuditEntry.actor_id == member_id, actor_name=FORMER_MEMBER)
    texts = [AuditEntry.reason, cast(AuditEntry.before, Text), cast(AuditEntry.after, Text)]
    about = or_(
        AuditEntry.actor_id == member_id,
        AuditEntry.subject_user_id == member_id,
        _mentioning(texts, scrubber),
    )
    _rewrite(Written(AuditEntry, ("reason",), ("before", "after")), scrubber, about)
    forgotten = {"names_forgotten_at": now.isoformat(timespec="seconds")}
    _set(AuditEntry, AuditEntry.id == deletion.id, before=forgotten)
    audit.record(None, FORGOTTEN, target=deletion, actor_name="Forum", member_id=member_id)
