"""The geometry of the dashboards' SVG charts, drawn by templates/insight/_charts.html.

Pure: labelled values in, rectangles and ticks out. A suppressed value (None) draws no bar
and is labelled as the table beside the chart labels it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The charts' own coordinate space: near a phone's width, so text stays legible when the
#: SVG scales to its container (viewBox); wide screens cap its width in CSS.
WIDTH = 360
ROW_HEIGHT = 50
BAR_HEIGHT = 12
VALUE_ROOM = 84


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    #: "current" or "previous" (drawn in two fills and outlines, and named in the legend).
    series: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    height: int
    bars: list[Bar]
    #: (y, label) of each row's label, written above its pair of bars.
    labels: list[tuple[float, str]]
    width: int = WIDTH


def _scale_max(values: Sequence[int | None]) -> int:
    return max(max((v for v in values if v is not None), default=0), 1)


def short_label(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def paired_bars(
    title: str,
    description: str,
    rows: Sequence[tuple[str, int | None, str, int | None, str]],
) -> Chart:
    """A labelled pair of bars per row: (label, current, its text, previous, its text).

    A suppressed value (None) draws no bar, only its text ("fewer than 5").
    """
    scale = _scale_max([v for row in rows for v in (row[1], row[3])])
    room = WIDTH - VALUE_ROOM
    bars, labels = [], []
    for i, (label, current, current_text, previous, previous_text) in enumerate(rows):
        top = 4 + i * ROW_HEIGHT
        labels.append((top + 13, short_label(label)))
        pairs = ((current, current_text, "current"), (previous, previous_text, "previous"))
        for j, (value, text, series) in enumerate(pairs):
            width = 0 if value is None else room * value / scale
            y = top + 18 + j * (BAR_HEIGHT + 2)
            bars.append(Bar(label, text, 0, y, width, BAR_HEIGHT, series))
    return Chart(title, description, 8 + len(rows) * ROW_HEIGHT, bars, labels)
