"""Small-number suppression for published counts (the rule is written in docs/insight.md).

Primary: a count from 1 to ``THRESHOLD - 1`` is never shown ("fewer than 5"); 0 is shown.
Secondary: in every line of a table that adds up (a row with its total, a column with its
total), a line holding exactly one suppressed cell would let a reader subtract the cell back
out of the total, so the smallest other non-zero cell in that line is suppressed too, and so
on until no line holds exactly one. Rates are shown only over a shown numerator and
denominator; a median only over at least ``THRESHOLD`` values.

Pure: numbers in, ``Cell`` values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The smallest count shown.
THRESHOLD = 5
HIDDEN_TEXT = "fewer than 5"
#: What a secondary suppression, a hidden rate or a hidden median shows.
WITHHELD_TEXT = "not shown"


@dataclass(frozen=True)
class Cell:
    """A count as it may be published: ``value`` is None when it is suppressed."""

    value: int | None
    #: "" (shown), "small" (1-4) or "secondary" (would reveal a small one).
    reason: str = ""

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        if self.value is not None:
            return f"{self.value:,}"
        return HIDDEN_TEXT if self.reason == "small" else WITHHELD_TEXT


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def cell(count: int) -> Cell:
    """Primary suppression of a single count that no shown total adds up to."""
    return Cell(None, "small") if is_small(count) else Cell(count)


@dataclass(frozen=True)
class Table:
    """A suppressed table: ``cells[row][column]``, and the totals when asked for."""

    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    grand_total: Cell | None


def suppress_table(
    counts: Sequence[Sequence[int]], *, row_totals: bool = False, column_totals: bool = True
) -> Table:
    """Suppress a table of counts whose rows and/or columns add up to shown totals.

    With ``column_totals`` each column adds up to a total row; with ``row_totals`` each row
    to a total column; with both, the totals add up to a grand total too.
    """
    grid = [list(row) for row in counts]
    width = len(grid[0]) if grid else 0
    full = _with_totals(grid, width, row_totals, column_totals)
    hidden = {
        (r, c): "small" for r, row in enumerate(full) for c, n in enumerate(row) if is_small(n)
    }
    lines = _lines(len(grid), width, row_totals, column_totals)
    _secondary(full, hidden, lines)
    published = [
        [Cell(None, hidden[(r, c)]) if (r, c) in hidden else Cell(n) for c, n in enumerate(row)]
        for r, row in enumerate(full)
    ]
    return _split(published, len(grid), width, row_totals, column_totals)


def _with_totals(grid: list[list[int]], width: int, rows: bool, columns: bool) -> list[list[int]]:
    full = [row + ([sum(row)] if rows else []) for row in grid]
    if columns:
        full.append([sum(row[c] for row in full) for c in range(width + (1 if rows else 0))])
    return full


def _lines(height: int, width: int, rows: bool, columns: bool) -> list[list[tuple[int, int]]]:
    """Each set of cells that adds up: the cells of a row or column and its total."""
    lines = []
    if rows:
        lines += [[(r, c) for c in range(width + 1)] for r in range(height + (1 if columns else 0))]
    if columns:
        lines += [[(r, c) for r in range(height + 1)] for c in range(width + (1 if rows else 0))]
    return lines


def _secondary(
    full: list[list[int]], hidden: dict[tuple[int, int], str], lines: list[list[tuple[int, int]]]
) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for spot in line if spot in hidden) != 1:
                continue
            spot = _complement(full, hidden, line)
            if spot is not None:
                hidden[spot] = "secondary"
                changed = True


def _complement(
    full: list[list[int]], hidden: dict[tuple[int, int], str], line: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The smallest shown non-zero cell of ``line``, inner cells before the total (last)."""
    shown = [spot for spot in line if spot not in hidden and full[spot[0]][spot[1]] > 0]
    inner = [spot for spot in shown if spot != line[-1]] or shown
    return min(inner, key=lambda spot: full[spot[0]][spot[1]], default=None)


def _split(
    published: list[list[Cell]], height: int, width: int, rows: bool, columns: bool
) -> Table:
    body = [row[:width] for row in published[:height]]
    row_total_cells = [row[width] for row in published[:height]] if rows else []
    column_total_cells = published[height][:width] if columns else []
    grand = published[height][width] if rows and columns else None
    return Table(body, row_total_cells, column_total_cells, grand)


def suppress_column(counts: Sequence[int], *, total: bool = True) -> tuple[list[Cell], Cell]:
    """One column of counts and its total (the total is returned even if not asked for:
    without ``total`` it is not published, so only primary suppression applies)."""
    if not total:
        return [cell(n) for n in counts], cell(sum(counts))
    table = suppress_table([[n] for n in counts], column_totals=True)
    return [row[0] for row in table.cells], table.column_totals[0] if counts else Cell(0)


def rate(numerator: Cell, denominator: Cell) -> float | None:
    """A share, shown only when both of its counts are (either would give the other away)."""
    if numerator.value is None or denominator.value is None or denominator.value == 0:
        return None
    return numerator.value / denominator.value


def median_shown(values_counted: int) -> bool:
    """A median (of times) is published only over at least ``THRESHOLD`` values."""
    return values_counted >= THRESHOLD


def change(current: Cell, previous: Cell) -> int | None:
    """The difference from the previous period, only between two shown counts."""
    if current.value is None or previous.value is None:
        return None
    return current.value - previous.value
