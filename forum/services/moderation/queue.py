"""The review queue: one list over several sources, with filters and claims.

Each source is a function returning a SELECT of ``(subject, subject_id, created_at)`` for the
open entries an actor may handle, plus a loader for a page of them. The queue is the UNION of
the sources, so paging, ordering and filters stay in SQL. A new kind of entry is one more
source; claims work on any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    ConfidentialityReview,
    ItemKind,
    JoinRequest,
    JoinRequestStatus,
    ModerationItem,
    Post,
    QueueClaim,
    Thread,
    utcnow,
)
from forum.policy import (
    Actor,
    can_access_moderation,
    can_moderate_post,
    can_review_confidentiality,
    can_review_join_requests,
    is_admin,
    is_staff,
    moderated_category_ids,
    require,
)
from forum.queries import moderation as moderation_reads
from forum.services.confidentiality import reviews as confidentiality_reviews
from forum.services.moderation.filters import Filters, within_age

#: A claim lapses after this long, so an abandoned one never blocks an entry for good.
CLAIM_LIFETIME = timedelta(minutes=30)
ITEM, JOIN_REQUEST = "item", "join_request"
TYPES = {
    "flag": "Reports",
    "held": "Posts awaiting approval",
    "join": "Join requests",
    confidentiality_reviews.SUBJECT: confidentiality_reviews.TYPE_LABEL,
}
CLAIMS = {"unclaimed": "Unclaimed", "mine": "Claimed by me"}


@dataclass
class Entry:
    subject: str
    subject_id: int
    created_at: datetime
    #: The ``ModerationItem`` or ``JoinRequest`` itself.
    obj: Any = None
    claim: QueueClaim | None = None

    @property
    def key(self) -> str:
        return f"{self.subject}-{self.subject_id}"


# Sources -------------------------------------------------------------------------------


def _items_source(actor: Actor, filters: Filters, now: datetime) -> Select | None:
    kinds = {"flag": [ItemKind.FLAG], "held": [ItemKind.HELD], "": list(ItemKind)}
    if filters.type not in kinds:
        return None
    stmt = (
        select(
            literal(ITEM).label("subject"),
            ModerationItem.id.label("subject_id"),
            ModerationItem.created_at.label("created_at"),
        )
        .join(Post, ModerationItem.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            ModerationItem.resolved_at.is_(None),
            ModerationItem.kind.in_(kinds[filters.type]),
            # nothing left to approve once its author deleted it
            (ModerationItem.kind != ItemKind.HELD) | Post.deleted_at.is_(None),
            *within_age(ModerationItem.created_at, filters.age, now),
        )
    )
    if filters.category_id is not None:
        stmt = stmt.where(Thread.category_id == filters.category_id)
    if not is_staff(actor):
        stmt = stmt.where(Thread.category_id.in_(sorted(moderated_category_ids(actor))))
    return stmt


def _join_requests_source(actor: Actor, filters: Filters, now: datetime) -> Select | None:
    if filters.type not in ("", "join") or filters.category_id is not None:
        return None
    if not can_review_join_requests(actor):
        return None
    return select(
        literal(JOIN_REQUEST).label("subject"),
        JoinRequest.id.label("subject_id"),
        JoinRequest.created_at.label("created_at"),
    ).where(
        JoinRequest.status == JoinRequestStatus.PENDING,
        *within_age(JoinRequest.created_at, filters.age, now),
    )


def _load_join_requests(ids: Sequence[int]) -> dict[int, JoinRequest]:
    stmt = select(JoinRequest).where(JoinRequest.id.in_(ids))
    return {request.id: request for request in db.session.scalars(stmt)}


Source = Callable[[Actor, Filters, datetime], Select | None]
Loader = Callable[[Sequence[int]], dict[int, Any]]
SOURCES: dict[str, tuple[Source, Loader]] = {
    ITEM: (_items_source, moderation_reads.load_items),
    JOIN_REQUEST: (_join_requests_source, _load_join_requests),
    # Posts published after their writer confirmed the confidentiality guard's findings.
    confidentiality_reviews.SUBJECT: (
        confidentiality_reviews.queue_source,
        confidentiality_reviews.load_reviews,
    ),
}


# Listing -------------------------------------------------------------------------------


def _claimed_filter(actor: Actor, claim: str, now: datetime) -> list[Any]:
    live = QueueClaim.claimed_at > now - CLAIM_LIFETIME
    if claim == "mine":
        return [QueueClaim.moderator_id == actor.id, live]
    if claim == "unclaimed":
        return [(QueueClaim.id.is_(None)) | ~live]
    return []


def _union(actor: Actor, filters: Filters, now: datetime) -> Any:
    selects = [s for src, _ in SOURCES.values() if (s := src(actor, filters, now)) is not None]
    if not selects:
        return None
    return union_all(*selects).subquery("queue") if len(selects) > 1 else selects[0].subquery()


def _joined(union: Any) -> Any:
    return union.outerjoin(
        QueueClaim,
        (QueueClaim.subject == union.c.subject) & (QueueClaim.subject_id == union.c.subject_id),
    )


def queue_page(
    actor: Actor, filters: Filters, number: int, per_page: int
) -> tuple[list[Entry], int]:
    """One page of open entries the actor may handle, oldest first, and the total."""
    require(can_access_moderation(actor))
    now = utcnow()
    union = _union(actor, filters, now)
    if union is None:
        return [], 0
    where = _claimed_filter(actor, filters.claim, now)
    base = select(union.c.subject, union.c.subject_id, union.c.created_at).select_from(
        _joined(union)
    )
    total = db.session.scalar(select(func.count()).select_from(base.where(*where).subquery()))
    order = union.c.created_at.desc() if filters.newest_first else union.c.created_at
    rows = db.session.execute(
        base.where(*where)
        .order_by(order, union.c.subject, union.c.subject_id)
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return _hydrate(rows, now), total or 0


def pending_count(actor: Actor) -> int:
    """How many open entries the actor may handle (the header's badge): one COUNT, or none."""
    if not can_access_moderation(actor):
        return 0
    union = _union(actor, Filters(), utcnow())
    if union is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(union)) or 0


def _hydrate(rows: Sequence[Any], now: datetime) -> list[Entry]:
    entries = [Entry(row.subject, row.subject_id, row.created_at) for row in rows]
    for subject, (_, loader) in SOURCES.items():
        ids = [e.subject_id for e in entries if e.subject == subject]
        if ids:
            loaded = loader(ids)
            for entry in entries:
                if entry.subject == subject:
                    entry.obj = loaded.get(entry.subject_id)
    claims = live_claims([(e.subject, e.subject_id) for e in entries], now)
    for entry in entries:
        entry.claim = claims.get((entry.subject, entry.subject_id))
    return [e for e in entries if e.obj is not None]


def live_claims(
    keys: Sequence[tuple[str, int]], now: datetime | None = None
) -> dict[tuple[str, int], QueueClaim]:
    if not keys:
        return {}
    cutoff = (now or utcnow()) - CLAIM_LIFETIME
    # Both columns, so the lookups read the (subject, subject_id) index, not every claim.
    stmt = select(QueueClaim).where(
        QueueClaim.subject.in_(sorted({key[0] for key in keys})),
        QueueClaim.subject_id.in_(sorted({key[1] for key in keys})),
        QueueClaim.claimed_at > cutoff,
    )
    wanted = set(keys)
    return {
        (c.subject, c.subject_id): c
        for c in db.session.scalars(stmt)
        if (c.subject, c.subject_id) in wanted
    }


# Claims --------------------------------------------------------------------------------


def _require_handles(actor: Actor, subject: str, obj: Any) -> None:
    if subject == ITEM:
        require(can_moderate_post(actor, obj.post))
    elif isinstance(obj, ConfidentialityReview):
        require(can_review_confidentiality(actor, obj.post))
    else:
        require(can_review_join_requests(actor))


def _is_open(subject: str, obj: Any) -> bool:
    return obj.is_pending if subject == JOIN_REQUEST else obj.is_open


def claim_entry(actor: Actor, subject: str, obj: Any) -> QueueClaim:
    """Take an entry so other moderators see it is being handled."""
    _require_handles(actor, subject, obj)
    if not _is_open(subject, obj):
        raise ServiceError("This has been dealt with already.")
    now = utcnow()
    current = live_claims([(subject, obj.id)], now).get((subject, obj.id))
    if current is not None and current.moderator_id != actor.id:
        raise ServiceError(f"{current.moderator_name} is already handling this.")
    db.session.execute(
        delete(QueueClaim).where(QueueClaim.subject == subject, QueueClaim.subject_id == obj.id)
    )
    claim = QueueClaim(
        subject=subject,
        subject_id=obj.id,
        moderator_id=actor.id,
        moderator_name=actor.display_name,
        claimed_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError as error:  # another moderator claimed it in the same instant
        raise ServiceError("Another moderator has just claimed this.") from error
    return claim


def unclaim_entry(actor: Actor, subject: str, obj: Any) -> None:
    """Give an entry back; only its claimant (or an admin) may."""
    _require_handles(actor, subject, obj)
    stmt = delete(QueueClaim).where(QueueClaim.subject == subject, QueueClaim.subject_id == obj.id)
    if not is_admin(actor):
        stmt = stmt.where(QueueClaim.moderator_id == actor.id)
    db.session.execute(stmt)
    db.session.flush()


def check_not_claimed_by_another(actor: Actor, subject: str, subject_id: int) -> None:
    claim = live_claims([(subject, subject_id)]).get((subject, subject_id))
    if claim is not None and claim.moderator_id != actor.id:
        raise ServiceError(f"{claim.moderator_name} is handling this: wait, or ask them.")


def release_claim(subject: str, subject_id: int) -> None:
    db.session.execute(
        delete(QueueClaim).where(QueueClaim.subject == subject, QueueClaim.subject_id == subject_id)
    )
