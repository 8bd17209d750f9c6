"""Reading the confidentiality incident record: a page for staff, every row for the CSV the
data-protection lead downloads. Incidents hold no content, so nothing here can leak any."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ConfidentialityIncident
from forum.text.spreadsheets import spreadsheet_cell

CSV_COLUMNS = (
    "incident",
    "reported_at_utc",
    "reported_by",
    "acted_at_utc",
    "acted_by",
    "category",
    "thread_id",
    "post_id",
    "author_id",
    "author_name",
    "identifier_kinds",
    "actions",
)


def incident_page(number: int, per_page: int) -> tuple[Sequence[ConfidentialityIncident], int]:
    """Newest first, and how many there are."""
    total = db.session.scalar(select(func.count()).select_from(ConfidentialityIncident)) or 0
    stmt = (
        select(ConfidentialityIncident)
        .order_by(ConfidentialityIncident.acted_at.desc(), ConfidentialityIncident.id.desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    )
    return db.session.scalars(stmt).all(), total


def describe_actions(actions: dict[str, int]) -> str:
    """``{"emails_withdrawn": 1}`` as "emails withdrawn: 1", in a stable order."""
    return "; ".join(f"{name.replace('_', ' ')}: {n}" for name, n in sorted(actions.items()))


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def csv_rows() -> Iterator[list[str]]:
    """Every incident, oldest first, as CSV cells (safe to open in a spreadsheet)."""
    stmt = select(ConfidentialityIncident).order_by(ConfidentialityIncident.id)
    for incident in db.session.scalars(stmt.execution_options(yield_per=500)):
        yield [
            spreadsheet_cell(value)
            for value in (
                incident.id,
                _time(incident.reported_at),
                incident.reported_by,
                _time(incident.acted_at),
                incident.acted_by_name,
                incident.category_name,
                incident.thread_id,
                incident.post_id,
                incident.author_id,
                incident.author_name,
                " ".join(incident.kind_list),
                describe_actions(incident.actions or {}),
            )
        ]
