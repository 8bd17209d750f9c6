"""Drafts: an unfinished thread or reply, kept on the server until it is posted.

A draft is text nobody has checked yet, so one that looks like it holds a patient identifier
is not stored at all: the member is told, and the text stays only in their browser.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from forum import pii
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, Draft, Thread, utcnow
from forum.policy import Actor, can_create_thread, can_reply, is_member, require
from forum.services.upserts import insert

TITLE_MAX = 200
BODY_MAX = 60_000
FIELD_MAX = 10_000
#: Composer values a draft may carry besides title and body.
FIELD_NAMES = frozenset(
    {"kind", "tags", "age_band", "sex", "history", "presentation", "actions", "question"}
)
NOT_STORED = (
    "Your draft was not saved on the server because it looks like it contains a patient "
    "identifier. Remove it before you post."
)


def reply_key(thread: Thread) -> str:
    return Draft.reply_key(thread.id)


def thread_key(category: Category) -> str:
    return Draft.thread_key(category.id)


def _clean_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in (fields or {}).items():
        if name not in FIELD_NAMES:
            continue
        if isinstance(value, list):
            cleaned[name] = [_storable(str(item))[:40] for item in value[:10]]
        elif isinstance(value, str | int | bool):
            cleaned[name] = _storable(str(value))[:FIELD_MAX]
    return cleaned


def _check_no_identifiers(*texts: str) -> None:
    findings = pii.scan("\n\n".join(texts))
    if pii.worst_severity(findings) in ("block", "confirm"):
        raise ServiceError(NOT_STORED, "body")


def _storable(text: str) -> str:
    """A draft is a convenience copy: drop NUL, which no database text column can hold (the
    form that failed still shows the member exactly what they typed)."""
    return text.replace("\x00", "")


def _check_nothing_blocked(*texts: str) -> None:
    if pii.worst_severity(pii.scan("\n\n".join(texts))) == "block":
        raise ServiceError(NOT_STORED, "body")


def _store(actor: Actor, key: str, values: dict[str, Any], *, check: Any = None) -> None:
    title = _storable(values["title"])[:TITLE_MAX]
    body = _storable(values["body"])[:BODY_MAX]
    fields = _clean_fields(values.get("fields"))
    check = check or _check_no_identifiers
    check(title, body, *(v for v in fields.values() if isinstance(v, str)))
    if not (title.strip() or body.strip() or any(fields.get(n) for n in FIELD_NAMES - {"kind"})):
        discard_draft(actor, key)
        return
    row = dict(
        user_id=actor.id,
        key=key,
        thread_id=values.get("thread_id"),
        category_id=values.get("category_id"),
        title=title,
        body=body,
        fields=fields or None,
        updated_at=utcnow(),
    )
    statement = insert(Draft).values(**row)
    changes = {name: statement.excluded[name] for name in ("title", "body", "fields", "updated_at")}
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["user_id", "key"], set_=changes)
    )


def save_reply_draft(actor: Actor, thread: Thread, *, body: str) -> None:
    """Keep ``actor``'s unfinished reply to ``thread``; an empty one is discarded."""
    require(can_reply(actor, thread))
    _store(actor, reply_key(thread), {"thread_id": thread.id, "title": "", "body": body})


def keep_emailed_reply(actor: Actor, thread: Thread, *, body: str) -> None:
    """Keep a reply that arrived by email as ``actor``'s draft for ``thread``, for them to
    confirm or edit on the site. Unlike a typed draft it may hold what the guard asks about
    (it is already on the server, and the member is sent to confirm it), never what it
    blocks (``forum/services/inbound/``)."""
    require(can_reply(actor, thread))
    values = {"thread_id": thread.id, "title": "", "body": body}
    _store(actor, reply_key(thread), values, check=_check_nothing_blocked)


def save_thread_draft(
    actor: Actor,
    category: Category,
    *,
    title: str,
    body: str,
    fields: dict[str, Any] | None = None,
) -> None:
    """Keep ``actor``'s unfinished new thread in ``category``."""
    require(can_create_thread(actor, category))
    values = {"category_id": category.id, "title": title, "body": body, "fields": fields}
    _store(actor, thread_key(category), values)


def discard_draft(actor: Actor, key: str) -> None:
    require(is_member(actor))
    db.session.execute(delete(Draft).where(Draft.user_id == actor.id, Draft.key == key))
