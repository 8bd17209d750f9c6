"""Database objects the search migrations own and the models do not describe."""

from __future__ import annotations

from typing import Any


def owned_by_search(name: str | None, type_: str) -> bool:
    """FTS5 tables and their helpers (``search_*``), the ``search_vector`` and
    ``search_facets`` columns and their indexes, and the word pairs' index."""
    if not name:
        return False
    if type_ == "table":
        return name.startswith("search_")
    if type_ == "column":
        return name in ("search_vector", "search_facets")
    if type_ == "index":
        return name.endswith(("search_vector", "search_pairs"))
    return False


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic hook: leave search's own objects out of autogenerate comparisons."""
    return not (reflected and compare_to is None and owned_by_search(name, type_))
