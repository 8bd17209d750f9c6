"""Filter tokens ("facets") indexed beside each post's words: ``au<user id>``, ``mo<yyyymm>``,
``ca<category id>``, ``so1``/``so0``, ``tg<tag id>``.

What they are for and how they stay exact: docs/search.md#filter-tokens
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forum.search.query import SearchQuery

#: A date range over more months than this is not narrowed by month tokens: it keeps most
#: posts anyway, and an OR of many tokens costs more than it saves.
MAX_MONTHS = 12


@dataclass(frozen=True)
class Facets:
    """Tokens a post must carry: every group must match, any token within a group."""

    groups: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def fts5(self, column: str) -> str:
        """As an FTS5 expression on ``column`` (tokens are letters and digits only)."""
        return " AND ".join(
            f"{column} : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in self.groups
        )

    def tsquery(self) -> str:
        """As ``tsquery`` text, to cast to ``tsquery`` (no parsing or stemming)."""
        return " & ".join("(" + " | ".join(group) + ")" for group in self.groups)


def required(
    query: SearchQuery,
    *,
    today: date,
    category_id: int | None = None,
    author_id: int | None = None,
    tag_id: int | None = None,
) -> Facets:
    """The tokens implied by ``query``'s filters (ids already resolved).

    ``is:unsolved`` adds none: most threads are, so its token would narrow little. A date
    range adds its months only when it is bounded on both sides (``today`` bounds an
    ``after:`` alone: posts are never dated in the future) and spans at most
    ``MAX_MONTHS``.
    """
    groups: list[tuple[str, ...]] = []
    if query.author is not None and author_id is not None:
        groups.append((f"au{author_id}",))
    if query.category is not None and category_id is not None:
        groups.append((f"ca{category_id}",))
    if query.tag is not None and tag_id is not None:
        groups.append((f"tg{tag_id}",))
    if query.status == "solved":
        groups.append(("so1",))
    if months := _months(query.after, query.before, today):
        groups.append(tuple(f"mo{m}" for m in months))
    return Facets(tuple(groups))


def _months(after: date | None, before: date | None, today: date) -> list[str]:
    if after is None:
        return []
    last = before if before is not None and before < today else today
    first = (after.year, after.month)
    count = (last.year - first[0]) * 12 + last.month - first[1] + 1
    if count < 1 or count > MAX_MONTHS:
        return []
    months = []
    for n in range(count):
        year, month = divmod(first[1] - 1 + n, 12)
        months.append(f"{first[0] + year:04d}{month + 1:02d}")
    return months
