"""Rendered HTML fragments, memoized per worker by the frozen value they are rendered from.

``forum/cards/posts.py`` (a thread page's posts) and ``forum/cards/threads.py`` (a list's
threads) turn each item into a frozen card holding everything its partial shows to one
reader; the partial reads nothing else, so its HTML is a pure function of the card and can
be kept in a bounded least-recently-used map keyed by the card. Nothing is invalidated: any
change makes a different card, and the old one ages out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock

from cachetools import LRUCache
from flask import current_app


class FragmentCache:
    """A bounded least-recently-used map from cards to their HTML (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: LRUCache[Hashable, str] = LRUCache(maxsize=max(size, 1))
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, card: Hashable) -> str | None:
        with self._lock:
            try:
                html = self._items[card]  # not .get(): that hashes the card once more
            except KeyError:
                self.misses += 1
                return None
            self.hits += 1
            return html

    def put(self, card: Hashable, html: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[card] = html

    def html(self, card: Hashable, render: Callable[[], str]) -> str:
        """The card's HTML: from the map, or ``render()`` kept for next time."""
        found = self.get(card)
        if found is None:
            found = render()
            self.put(card, found)
        return found

    def __len__(self) -> int:
        return len(self._items)


def cache(name: str, size_setting: str, default_size: int = 1000) -> FragmentCache:
    """This app's cache called ``name``, of ``size_setting`` entries (0 turns it off)."""
    found = current_app.extensions.get(name)
    size = current_app.config.get(size_setting, default_size)
    if found is None or found.size != size:
        found = current_app.extensions[name] = FragmentCache(size)
    return found
