"""Reading the audit log: filters, pages and CSV rows. Entries are only ever appended, by
``forum.services.audit.record``; nothing here or anywhere else edits or deletes them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select

from forum.extensions import db
from forum.models import AuditEntry, User
from forum.policy import Actor, can_view_audit_log, require
from forum.text.audit_actions import action_name
from forum.text.spreadsheets import spreadsheet_cell

EXPORT_LIMIT = 100_000
CSV_COLUMNS = [
    "time_utc", "actor_id", "actor", "action", "action_name", "target_type", "target_id",
    "member_id", "reason", "before", "after", "client_address",
]  # fmt: skip


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    member: str = ""
    since: date | None = None
    until: date | None = None


def _user_id(handle: str) -> int | None:
    username = handle.strip().lstrip("@").lower()
    return db.session.scalar(select(User.id).where(User.username == username))


def _actor_clause(actor: str) -> ColumnElement[bool]:
    """``@username`` matches that member; anything else, any part of the actor's name."""
    if actor.startswith("@"):
        return AuditEntry.actor_id == (_user_id(actor) or -1)
    return func.lower(AuditEntry.actor_name).contains(actor.lower(), autoescape=True)


#: The log shows UK time, so a day in the filters is a UK day.
UK = ZoneInfo("Europe/London")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def filtered(filters: AuditFilters) -> Select[tuple[AuditEntry]]:
    """The entries matching ``filters``, newest first."""
    stmt = select(AuditEntry)
    if filters.actor:
        stmt = stmt.where(_actor_clause(filters.actor))
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.member:
        stmt = stmt.where(AuditEntry.subject_user_id == (_user_id(filters.member) or -1))
    if filters.since:
        stmt = stmt.where(AuditEntry.created_at >= _day_start(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEntry.created_at < _day_start(filters.until + timedelta(days=1)))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def audit_page(
    actor: Actor, filters: AuditFilters, number: int, per_page: int
) -> tuple[Sequence[AuditEntry], int]:
    require(can_view_audit_log(actor))
    stmt = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.offset((number - 1) * per_page).limit(per_page)).all()
    return rows, total or 0


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def members_named(entries: Iterable[AuditEntry]) -> dict[int, User]:
    """The members the entries concern, for showing their names (one query)."""
    ids = {e.subject_user_id for e in entries if e.subject_user_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _row(entry: AuditEntry) -> list[str]:
    values = [
        entry.created_at.isoformat(timespec="seconds"),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        action_name(entry.action),
        entry.target_type,
        entry.target_id,
        entry.subject_user_id,
        entry.reason,
        json.dumps(entry.before, sort_keys=True) if entry.before is not None else "",
        json.dumps(entry.after, sort_keys=True) if entry.after is not None else "",
        entry.ip,
    ]
    return [spreadsheet_cell(v) for v in values]


def export_csv(actor: Actor, filters: AuditFilters) -> str:
    """The matching entries as CSV text (at most ``EXPORT_LIMIT``, newest first)."""
    require(can_view_audit_log(actor))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in db.session.scalars(filtered(filters).limit(EXPORT_LIMIT)):
        writer.writerow(_row(entry))
    return out.getvalue()
