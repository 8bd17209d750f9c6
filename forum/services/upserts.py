"""INSERT ... ON CONFLICT for the database in use (SQLite and PostgreSQL share the syntax)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from forum.extensions import db


def insert(model: type) -> Any:
    """An ``insert(model)`` that offers ``on_conflict_do_update`` / ``_do_nothing``."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
