"""Small-number suppression (forum/stats/suppression.py), as a table of cases without a database."""

from __future__ import annotations

import itertools

import pytest

from forum.stats.suppression import (
    HIDDEN_TEXT,
    WITHHELD_TEXT,
    Cell,
    cell,
    change,
    median_shown,
    rate,
    suppress_column,
    suppress_table,
)


def _values(cells: list[Cell]) -> list[int | None]:
    return [c.value for c in cells]


@pytest.mark.parametrize(
    ("count", "shown"), [(0, True), (1, False), (2, False), (4, False), (5, True), (120, True)]
)
def test_counts_from_1_to_4_are_fewer_than_5_and_0_is_shown(count: int, shown: bool) -> None:
    published = cell(count)
    assert published.shown is shown
    assert published.text == (f"{count:,}" if shown else HIDDEN_TEXT)


def test_a_total_that_would_reveal_a_suppressed_cell_hides_a_second_cell() -> None:
    # 21 - 10 - 8 = 3: with the total shown, the 3 could be worked out, so the 8 goes too.
    cells, total = suppress_column([10, 3, 8])
    assert _values(cells) == [10, None, None]
    assert [c.reason for c in cells] == ["", "small", "secondary"]
    assert total.value == 21
    assert cells[2].text == WITHHELD_TEXT


def test_the_second_cell_is_the_smallest_non_zero_one() -> None:
    cells, total = suppress_column([40, 2, 0, 9, 7])
    assert _values(cells) == [40, None, 0, 9, None]
    assert total.value == 58


def test_two_suppressed_cells_need_no_third() -> None:
    cells, _ = suppress_column([12, 3, 4, 30])
    assert _values(cells) == [12, None, None, 30]


def test_a_small_total_is_suppressed_itself() -> None:
    cells, total = suppress_column([3, 0, 0])
    assert _values(cells) == [None, 0, 0]
    assert total.value is None and total.text == HIDDEN_TEXT


def test_without_a_total_only_small_counts_are_hidden() -> None:
    cells, _ = suppress_column([10, 3, 8], total=False)
    assert _values(cells) == [10, None, 8]


def test_rows_and_columns_with_totals_are_both_protected() -> None:
    table = suppress_table([[10, 3, 9], [7, 12, 6], [15, 8, 20]], row_totals=True)
    hidden = {(r, c) for r, row in enumerate(table.cells) for c, x in enumerate(row) if not x.shown}
    assert (0, 1) in hidden
    # Every row and every column, totals included, holds no suppressed cell or at least two.
    full = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    full.append([*table.column_totals, table.grand_total])
    for line in [*full, *zip(*full, strict=True)]:
        assert sum(not c.shown for c in line) != 1


@pytest.mark.parametrize("counts", list(itertools.product([0, 2, 6, 11], repeat=3)))
def test_no_line_ever_holds_exactly_one_suppressed_cell(counts: tuple[int, ...]) -> None:
    grid = [list(counts), [counts[2], counts[0], counts[1]]]
    table = suppress_table(grid, row_totals=True, column_totals=True)
    full = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    full.append([*table.column_totals, table.grand_total])
    for line in [*full, *zip(*full, strict=True)]:
        hidden = [c for c in line if not c.shown]
        nonzero_shown = [c for c in line if c.shown and c.value]
        assert len(hidden) != 1 or not nonzero_shown


def test_a_rate_is_shown_only_over_two_shown_counts() -> None:
    assert rate(Cell(6), Cell(12)) == 0.5
    assert rate(Cell(None, "small"), Cell(12)) is None  # 3 of 12 would give the 3 away
    assert rate(Cell(6), Cell(None, "small")) is None
    assert rate(Cell(0), Cell(0)) is None


def test_a_median_needs_five_values_and_a_change_two_shown_counts() -> None:
    assert not median_shown(4) and median_shown(5)
    assert change(Cell(12), Cell(7)) == 5
    assert change(Cell(12), Cell(None, "small")) is None
