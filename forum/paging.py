"""Pages of results: the numbers every paged list and search share, and the offset of a page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from werkzeug.exceptions import NotFound

T = TypeVar("T")


class PageNumbers:
    """Where a page sits among its pages; needs ``number``, ``per_page`` and ``total``."""

    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass(frozen=True)
class Page(PageNumbers, Generic[T]):
    items: Sequence[T]
    number: int
    per_page: int
    total: int


def offset_or_404(number: int, per_page: int, total: int) -> int:
    """The offset of page ``number``; 404 past the last page (page 1 always exists)."""
    if number > max(1, math.ceil(total / per_page)):
        raise NotFound("There is no such page.")
    return (number - 1) * per_page
