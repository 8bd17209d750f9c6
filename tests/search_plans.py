"""Which plans PostgreSQL searches choose (forum/search/postgres_plans.py), for the tests."""

from __future__ import annotations

import pytest

from forum.search import postgres_plans


def record_plans(monkeypatch: pytest.MonkeyPatch, *, min_walk: int = 2) -> list[list[str]]:
    """Lower the smallest walk to ``min_walk`` posts, and return a list that receives the
    kinds of the plans of every search from now on (nothing on SQLite)."""
    monkeypatch.setattr(postgres_plans, "MIN_WALK", min_walk)
    plans: list[list[str]] = []
    choose = postgres_plans._plans

    def recorded(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - passes everything through
        chosen = choose(*args, **kwargs)
        plans.append([plan.kind for plan in chosen])
        return chosen

    monkeypatch.setattr(postgres_plans, "_plans", recorded)
    return plans
