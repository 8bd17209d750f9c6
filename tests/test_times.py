"""Relative times as cards and pages show them (forum/cards/times.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.cards.times import timeago

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "label"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=40), "28 Oct 2026"),
        # A time to come (a review date) is its date, never "just now".
        (-timedelta(days=365), "7 Dec 2027"),
        (-timedelta(seconds=30), "just now"),
    ],
)
def test_timeago(ago: timedelta, label: str) -> None:
    assert timeago(NOW - ago, NOW) == label
