"""What an export of the learning log holds, read once, and its CSV.

``build_report`` reads the member's entries for a range of dates and counts their
contributions; ``pdf.py`` and ``word.py`` lay the same report out for an appraiser. Exports
are the member's own: there is no address for anyone else's log.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from forum.errors import ServiceError
from forum.models import LearningEntry, User, utcnow
from forum.policy import Actor, can_keep_learning_log, can_manage_own_account, require
from forum.queries import learning as log_reads
from forum.queries import site as site_reads
from forum.queries.learning import long_date
from forum.text.spreadsheets import spreadsheet_cell

#: The longest range one export covers (a five-year revalidation cycle, and a little more).
MAX_DAYS = 6 * 366


@dataclass(frozen=True)
class EntryRow:
    """One entry as an export prints it."""

    learned_on: date
    title: str
    link: str
    minutes: int
    credits: float
    learned: str
    practice_change: str
    follow_up: str

    @property
    def time_label(self) -> str:
        return log_reads.minutes_label(self.minutes)

    @property
    def credits_label(self) -> str:
        return log_reads.credits_label(self.credits)


#: The three reflective prompts, as the exports head them.
PROMPT_LABELS = (
    ("learned", "What I learned"),
    ("practice_change", "How it changes my practice"),
    ("follow_up", "Anything to follow up"),
)


@dataclass(frozen=True)
class LogReport:
    site_name: str
    member_name: str
    gmc_number: str
    start: date
    end: date
    entries: tuple[EntryRow, ...]
    totals: log_reads.Totals
    contributions: log_reads.Contributions
    credits_per_hour: float
    made_on: date

    @property
    def range_label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def credits_rule(self) -> str:
        per = log_reads.credits_label(self.credits_per_hour)
        return f"{per} credit{'' if self.credits_per_hour == 1 else 's'} for each hour of learning"

    def detail_rows(self) -> list[tuple[str, str]]:
        """Who and when, as the exports head them."""
        rows = [("Name", self.member_name)]
        if self.gmc_number:
            rows.append(("GMC number", self.gmc_number))
        return rows + [
            ("Period", self.range_label),
            ("Prepared", f"{long_date(self.made_on)}, from {self.site_name}"),
        ]

    def filename(self, extension: str) -> str:
        return f"learning-log-{self.start.isoformat()}-to-{self.end.isoformat()}.{extension}"


def check_range(start: date, end: date) -> None:
    if end < start:
        raise ServiceError("The end date is before the start date.", "end")
    if (end - start).days > MAX_DAYS:
        raise ServiceError("Export at most six years at a time.", "start")


def _row(entry: LearningEntry, per_hour: float) -> EntryRow:
    return EntryRow(
        entry.learned_on, entry.title, entry.link, entry.minutes,
        log_reads.credits_for(entry.minutes, per_hour),
        entry.learned, entry.practice_change, entry.follow_up,
    )  # fmt: skip


def build_report(actor: Actor, member: User, start: date, end: date) -> LogReport:
    """The member's own log from ``start`` to ``end`` inclusive: entries, totals, contributions."""
    require(can_keep_learning_log(actor) and can_manage_own_account(actor, member))
    check_range(start, end)
    settings = site_reads.site_settings()
    per_hour = settings.learning_credits_per_hour
    entries = log_reads.entries_between(member.id, start, end)
    return LogReport(
        site_name=settings.name,
        member_name=member.display_name,
        gmc_number=member.gmc_number or "",
        start=start,
        end=end,
        entries=tuple(_row(entry, per_hour) for entry in entries),
        totals=log_reads.totals(entries, per_hour),
        contributions=log_reads.contributions(member.id, start, end),
        credits_per_hour=per_hour,
        made_on=utcnow().date(),
    )


# CSV -------------------------------------------------------------------------------------------

CSV_HEADER = (
    "date", "title", "link", "minutes", "credits", "what_i_learned",
    "how_it_changes_my_practice", "anything_to_follow_up",
)  # fmt: skip


def render_csv(report: LogReport) -> bytes:
    """One row per entry; UTF-8 with a byte-order mark, so Excel reads the names right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in report.entries:
        writer.writerow(
            spreadsheet_cell(value)
            for value in (
                row.learned_on.isoformat(), row.title, row.link, row.minutes,
                row.credits_label, row.learned, row.practice_change, row.follow_up,
            )
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
