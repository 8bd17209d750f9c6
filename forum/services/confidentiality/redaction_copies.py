"""Where else a redacted post's words may have been copied, and scrubbing them there.

Email bodies (queued, failed and sent copies), audit entries (titles in renames and splits,
reasons), drafts, notification and moderation texts (summaries, reasons, report notes, staff
notes) and denormalised titles. Rows are matched in Python, never with the values in SQL, so
not even the statements sent carry them; only rows written since the post was are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Category,
    Draft,
    Flag,
    MemberNote,
    MemberSanction,
    ModerationItem,
    ModerationMessage,
    Notification,
    OutboxMessage,
    StoredFile,
)
from forum.text.redaction import Scrubber

BATCH = 500


@dataclass(frozen=True)
class Place:
    """A table where a post's words can be copied: its text and JSON columns."""

    label: str
    model: Any
    text: tuple[str, ...]
    json: tuple[str, ...] = ()
    #: Rows older than the post cannot hold a copy of it (None: read them all).
    since_column: str | None = "created_at"


PLACES: Sequence[Place] = (
    Place("emails_rewritten", OutboxMessage, ("subject", "text_body", "html_body"), ("headers",)),
    Place("audit_entries_scrubbed", AuditEntry, ("reason",), ("before", "after")),
    Place("drafts_scrubbed", Draft, ("title", "body"), ("fields",), "updated_at"),
    Place("notifications_scrubbed", Notification, ("summary",)),
    Place("moderation_messages_scrubbed", ModerationMessage, ("summary", "reason", "thread_title")),
    Place("reports_scrubbed", Flag, ("note",)),
    Place("queue_entries_scrubbed", ModerationItem, ("summary", "outcome_reason")),
    Place("member_notes_scrubbed", MemberNote, ("body",)),
    Place("sanctions_scrubbed", MemberSanction, ("reason",)),
    Place("category_listings_scrubbed", Category, ("last_thread_title",), since_column=None),
)


def _changes(place: Place, row: Any, scrubber: Scrubber) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in place.text:
        if scrubber.found(getattr(row, name)):
            limit = getattr(place.model.__table__.c[name].type, "length", None)
            values[name] = scrubber.sub(getattr(row, name))[:limit]
    for name in place.json:
        value = getattr(row, name)
        if value is not None and scrubber.found_json(value):
            values[name] = scrubber.sub_json(value)
    return values


def _rewrite(model: Any, changes: list[tuple[int, dict[str, Any]]]) -> None:
    for row_id, values in changes:
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, model) and any(obj.id == row_id for row_id, _ in changes):
            db.session.expire(obj)


def scrub_place(place: Place, scrubber: Scrubber, since: datetime) -> int:
    """Scrub one table's copies; returns how many rows changed."""
    model = place.model
    stmt = select(model.id, *(getattr(model, n) for n in (*place.text, *place.json)))
    if place.since_column is not None:
        stmt = stmt.where(getattr(model, place.since_column) >= since)
    changes = []
    for row in db.session.execute(stmt.execution_options(yield_per=BATCH)):
        if values := _changes(place, row, scrubber):
            changes.append((row.id, values))
    _rewrite(model, changes)
    return len(changes)


def scrub_copies(scrubber: Scrubber, since: datetime) -> dict[str, int]:
    """Scrub every place a copy may be; returns the rows changed per place (none omitted)."""
    counts = {place.label: scrub_place(place, scrubber, since) for place in PLACES}
    return {label: n for label, n in counts.items() if n}


def scrub_file_text(scrubber: Scrubber, file_ids: Sequence[int]) -> int:
    """Scrub the searchable text extracted from files attached to the redacted posts (the
    file itself is not changed: staff remove it, see docs/pii.md)."""
    if not file_ids:
        return 0
    place = Place("file_text_scrubbed", StoredFile, ("extracted_text",), since_column=None)
    stmt = select(StoredFile.id, StoredFile.extracted_text).where(StoredFile.id.in_(file_ids))
    changes = [
        (row.id, values)
        for row in db.session.execute(stmt)
        if (values := _changes(place, row, scrubber))
    ]
    _rewrite(StoredFile, changes)
    return len(changes)
