"""The dashboards' tables, suppressed for publishing (docs/insight.md).

Each table is built from one or two reads of forum/queries/insight/reads.py and published
through forum/stats/suppression.py; the page, its chart and its CSV export show the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from forum.alliances import ALLIANCES
from forum.models import Category
from forum.queries.insight import reads
from forum.queries.insight.reads import Scope
from forum.stats.suppression import (
    WITHHELD_TEXT,
    Cell,
    cell,
    change,
    median_shown,
    rate,
    suppress_column,
)

NO_ALLIANCE = "No alliance on profile"
CURRENT, PREVIOUS = "current", "previous"


@dataclass
class Table:
    """A published table: its cells as text (page and CSV alike) and the cells behind them."""

    name: str
    caption: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    total: list[str] | None = None
    #: The (label, current, previous) cells a chart draws, when the table has a chart.
    series: list[tuple[str, Cell, Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class Headline:
    label: str
    current: str
    previous: str
    change: str


#: A share of no questions at all: nothing to hide, nothing to show.
NO_QUESTIONS = "no questions"


def percent(share: float | None) -> str:
    return WITHHELD_TEXT if share is None else f"{share:.0%}"


def share(numerator: Cell, denominator: Cell) -> str:
    """A share as published: hidden over a hidden count (``rate``)."""
    if denominator.value == 0:
        return NO_QUESTIONS
    return percent(rate(numerator, denominator))


def duration(minutes: int | None) -> str:
    if minutes is None:
        return WITHHELD_TEXT
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    if minutes < 7 * 1440:
        return f"{minutes // 1440} days {minutes % 1440 // 60} h"
    return f"{minutes // 1440} days"


def signed(value: int | None) -> str:
    return WITHHELD_TEXT if value is None else f"{value:+,}"


def _pairs(cells_by_period: dict[str, list[Cell]], i: int) -> tuple[Cell, Cell]:
    return cells_by_period[CURRENT][i], cells_by_period[PREVIOUS][i]


def _columns(
    keys: Sequence[Any], counts: dict[tuple[Any, str], int], total: bool
) -> tuple[dict[str, list[Cell]], dict[str, Cell]]:
    """Each period's column of counts over ``keys``, suppressed with its total."""
    cells, totals = {}, {}
    for period in (CURRENT, PREVIOUS):
        column, column_total = suppress_column([counts[(k, period)] for k in keys], total=total)
        cells[period], totals[period] = column, column_total
    return cells, totals


def _alliance_keys(scope: Scope) -> list[str]:
    if scope.alliance:
        return [scope.alliance]
    if scope.allowed is not None:
        return sorted(scope.allowed)
    return [*ALLIANCES, ""]


@dataclass
class Overview:
    headlines: list[Headline]
    alliances: Table
    categories: Table
    trend: Table


def overview(scope: Scope, categories: Sequence[Category]) -> Overview:
    """The dashboard's first page: headline figures, alliances, categories, the trend."""
    rows = reads.question_counts(scope)
    keys = _alliance_keys(scope)
    with_total = len(keys) > 1
    by_alliance = _sum(rows, lambda r: r.alliance)
    active = _counts(reads.active_members(scope))
    joined = _counts(reads.new_members(scope))
    questions, q_total = _columns(keys, by_alliance["questions"], with_total)
    answered, a_total = _columns(keys, by_alliance["answered_48h"], with_total)
    members, m_total = _columns(keys, active, with_total)
    new, n_total = _columns(keys, joined, with_total)
    table = Table(
        "alliances",
        "Questions and members by Cancer Alliance",
        ["Cancer Alliance", "Questions", "Previous period", "Answered within 48 hours",
         "Previous period", "Active members", "Previous period", "New members",
         "Previous period"],
    )  # fmt: skip
    for i, key in enumerate(keys):
        table.rows.append([key or NO_ALLIANCE, *_row(i, questions, answered, members, new)])
        table.series.append((key or NO_ALLIANCE, *_pairs(questions, i)))
    if with_total:
        table.total = [
            "All",
            *_row(0, _wrap(q_total), _wrap(a_total), _wrap(m_total), _wrap(n_total)),
        ]
    medians = {
        "reply": reads.medians(scope, reads.InsightQuestion.reply_minutes),
        "solution": reads.medians(scope, reads.InsightQuestion.solution_minutes),
    }
    headlines = _headlines(q_total, a_total, m_total, n_total, medians)
    return Overview(headlines, table, _category_table(rows, categories, scope), trend(scope))


def _wrap(totals: dict[str, Cell]) -> dict[str, list[Cell]]:
    return {period: [value] for period, value in totals.items()}


def _row(i: int, *columns: dict[str, list[Cell]]) -> list[str]:
    questions, answered, members, new = columns
    out = [questions[CURRENT][i].text, questions[PREVIOUS][i].text]
    for period in (CURRENT, PREVIOUS):
        out.append(share(answered[period][i], questions[period][i]))
    for column in (members, new):
        out += [column[CURRENT][i].text, column[PREVIOUS][i].text]
    return out


def _sum(rows: Iterable[Any], key: Any) -> dict[str, dict[tuple[Any, str], int]]:
    sums: dict[str, dict[tuple[Any, str], int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for name in ("questions", "answered_48h", "replied", "solved"):
            sums[name][(key(row), row.period)] += int(getattr(row, name) or 0)
    return sums


def _counts(rows: Iterable[Any]) -> dict[tuple[Any, str], int]:
    counts: dict[tuple[Any, str], int] = defaultdict(int)
    for key, period, n in rows:
        counts[(key, period)] += int(n)
    return counts


def _headlines(
    questions: dict[str, Cell],
    answered: dict[str, Cell],
    members: dict[str, Cell],
    new: dict[str, Cell],
    medians: dict[str, dict[str, tuple[int, int]]],
) -> list[Headline]:
    shares = [share(answered[p], questions[p]) for p in (CURRENT, PREVIOUS)]
    lines = [
        Headline("Questions asked", questions[CURRENT].text, questions[PREVIOUS].text,
                 signed(change(questions[CURRENT], questions[PREVIOUS]))),
        Headline("Answered within 48 hours", shares[0], shares[1], ""),
    ]  # fmt: skip
    for kind, label in (("reply", "Median time to first reply"),
                        ("solution", "Median time to accepted solution")):  # fmt: skip
        texts = [_median_text(medians[kind].get(p)) for p in (CURRENT, PREVIOUS)]
        lines.append(Headline(label, texts[0], texts[1], ""))
    for label, cells in (("Active members", members), ("New members", new)):
        lines.append(Headline(label, cells[CURRENT].text, cells[PREVIOUS].text,
                              signed(change(cells[CURRENT], cells[PREVIOUS]))))  # fmt: skip
    return lines


def _median_text(found: tuple[int, int] | None) -> str:
    if found is None or not median_shown(found[1]):
        return WITHHELD_TEXT
    return duration(found[0])


def _category_table(rows: Sequence[Any], categories: Sequence[Category], scope: Scope) -> Table:
    chosen = [c for c in categories if scope.category_id in (None, c.id)]
    keys = [c.id for c in chosen]
    sums = _sum(rows, lambda r: r.category_id)
    with_total = len(keys) > 1
    questions, q_total = _columns(keys, sums["questions"], with_total)
    answered, a_total = _columns(keys, sums["answered_48h"], with_total)
    solved, s_total = _columns(keys, sums["solved"], with_total)
    table = Table(
        "categories",
        "Questions by category",
        ["Category", "Questions", "Previous period", "Answered within 48 hours",
         "Previous period", "Solved", "Previous period"],
    )  # fmt: skip
    for i, category in enumerate(chosen):
        table.rows.append([category.name, *_category_row(i, questions, answered, solved)])
    if with_total:
        table.total = ["All", *_category_row(0, _wrap(q_total), _wrap(a_total), _wrap(s_total))]
    return table


def _category_row(i: int, *columns: dict[str, list[Cell]]) -> list[str]:
    questions, answered, solved = columns
    out = [questions[CURRENT][i].text, questions[PREVIOUS][i].text]
    for period in (CURRENT, PREVIOUS):
        out.append(share(answered[period][i], questions[period][i]))
    return [*out, solved[CURRENT][i].text, solved[PREVIOUS][i].text]


def _bucket_days(days: int) -> int:
    return 7 if days <= 92 else 30


def trend(scope: Scope) -> Table:
    """Questions asked per week (per 30 days over long ranges), beside the previous period's."""
    size = _bucket_days(scope.days)
    buckets = (scope.days + size - 1) // size
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for day, n in reads.questions_by_day(scope):
        period = CURRENT if day >= scope.start else PREVIOUS
        origin = scope.start if period == CURRENT else scope.previous_start
        counts[(min((day - origin).days // size, buckets - 1), period)] += n
    keys = list(range(buckets))
    cells, _ = _columns(keys, counts, True)
    unit = "Week" if size == 7 else "30 days"
    table = Table(
        "trend",
        f"Questions asked, by {unit.lower()}",
        [f"{unit} from", "Questions", "Previous period (same offset)"],
    )
    for i in keys:
        label = _day_label(scope.start + timedelta(days=i * size))
        table.rows.append([label, cells[CURRENT][i].text, cells[PREVIOUS][i].text])
        table.series.append((label, *_pairs(cells, i)))
    return table


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def ranked(name: str, caption: str, headers: list[str], rows: Iterable[Any], label: Any) -> Table:
    """The ``reads.TOP`` most frequent things of the period (primary suppression only: a
    ranking shows no total)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(label(row), row.period)] += int(row[-1])
    order = sorted({k for k, _ in counts}, key=lambda k: (-counts[(k, CURRENT)], k))
    table = Table(name, caption, headers)
    for key in [k for k in order if counts[(k, CURRENT)]][: reads.TOP]:
        now, before = cell(counts[(key, CURRENT)]), cell(counts[(key, PREVIOUS)])
        table.rows.append([key, now.text, before.text])
    return table


def topics(scope: Scope) -> list[Table]:
    """What the period's questions were about, what they cited, what members downloaded."""
    return [
        ranked("tags", "Top tags on questions", ["Tag", "Questions", "Previous period"],
               reads.top_tags(scope), lambda r: r[0]),
        ranked("guidelines", "Most-cited guidelines", ["Guideline", "Citations",
               "Previous period"], reads.cited_guidelines(scope), lambda r: f"{r[0]}: {r[1]}"),
        ranked("recommendations", "Most-cited recommendations", ["Recommendation",
               "Citations", "Previous period"], reads.cited_recommendations(scope),
               lambda r: f"{r[0]} {r[1]}"),
        ranked("downloads", "Library resources most downloaded", ["Resource", "Downloads",
               "Previous period"], reads.downloads(scope), lambda r: r[1]),
    ]  # fmt: skip


def unanswered_table(rows: Sequence[Any]) -> Table:
    """The worklist of questions unanswered after 7 days (titles the reader can open)."""
    table = Table("unanswered", "Questions unanswered after 7 days",
                  ["Question", "Category", "Cancer Alliance", "Asked"])  # fmt: skip
    for row in rows[: reads.UNANSWERED_LIMIT]:
        table.rows.append(
            [row.title, row.name, row.alliance or NO_ALLIANCE, row.asked_at.date().isoformat()]
        )
    return table
