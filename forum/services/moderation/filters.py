"""What the review queue can be filtered by: type, category, age and claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

AGES = {"day": "Less than a day old", "week": "1 to 7 days old", "older": "Over a week old"}


@dataclass(frozen=True)
class Filters:
    type: str = ""
    category_id: int | None = None
    age: str = ""
    claim: str = ""
    newest_first: bool = False


def _age_bounds(age: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    day, week = now - timedelta(days=1), now - timedelta(days=7)
    return {"day": (day, None), "week": (week, day), "older": (None, week)}.get(age, (None, None))


def within_age(column: Any, age: str, now: datetime) -> list[Any]:
    newer_than, older_than = _age_bounds(age, now)
    clauses = []
    if newer_than is not None:
        clauses.append(column >= newer_than)
    if older_than is not None:
        clauses.append(column < older_than)
    return clauses
