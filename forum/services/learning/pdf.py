"""The learning log as a PDF an appraiser reads: who, when, the totals, the contributions,
then each entry with its reflection under the three prompts.

fpdf2 writes it in pure Python (no system libraries), with DejaVu Sans embedded (subset) from
``forum/data/fonts/`` so the text is selectable, any name prints, and the file looks the same
on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from forum.queries.learning import credits_label, long_date
from forum.services.learning.report import PROMPT_LABELS, EntryRow, LogReport

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (95, 99, 104)
ACCENT = (0, 82, 147)
RULE = (200, 204, 208)
PANEL = (241, 244, 247)
#: Less room than this at the foot of a page, and the next entry starts on a new one.
ENTRY_MIN_SPACE = 45


class LogPDF(FPDF):
    """A4 pages with a running footer naming the member, the range and the page."""

    def __init__(self, report: LogReport) -> None:
        super().__init__(format="A4", unit="mm")
        self.report = report
        #: Words already measured, per font and size (``_widths``).
        self.word_widths: dict[tuple[str, str, float], dict[str, float]] = {}
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(f"Learning log: {report.member_name}, {report.range_label}")
        self.set_author(report.member_name)
        self.set_subject("Continuing professional development for appraisal")
        self.set_creator(report.site_name)
        self.set_lang("en-GB")
        made = report.made_on
        self.set_creation_date(datetime(made.year, made.month, made.day))

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        who = f"Learning log of {self.report.member_name} · {self.report.range_label}"
        while self.get_string_width(who) > self.epw - 32:  # a very long name
            who = who[:-2] + "…"
        self.cell(self.epw - 30, 5, who)
        self.cell(30, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def render_pdf(report: LogReport) -> bytes:
    pdf = LogPDF(report)
    pdf.add_page()
    _heading(pdf, report)
    _summary(pdf, report)
    _contributions(pdf, report)
    _entry_table(pdf, report)
    _entries(pdf, report)
    _closing_note(pdf, report)
    return bytes(pdf.output())


def _text(pdf: LogPDF, size: float, colour: tuple[int, int, int] = INK, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)


def _heading(pdf: LogPDF, report: LogReport) -> None:
    _text(pdf, 9, MUTED, "B")
    pdf.cell(0, 5, "CONTINUING PROFESSIONAL DEVELOPMENT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _text(pdf, 22, INK, "B")
    pdf.cell(0, 12, "Learning log", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for label, value in report.detail_rows():
        _text(pdf, 10, MUTED)
        pdf.cell(32, 6.5, label)
        _text(pdf, 10, INK, "B" if label == "Name" else "")
        pdf.multi_cell(0, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _summary(pdf: LogPDF, report: LogReport) -> None:
    """Three panels: entries, time, credits."""
    totals = report.totals
    panels = [
        (str(totals.entries), "entries" if totals.entries != 1 else "entry"),
        (totals.time_label, "of learning"),
        (totals_credits(report), "CPD credits"),
    ]
    gap, top = 4.0, pdf.get_y()
    width = (pdf.epw - 2 * gap) / 3
    for n, (figure, caption) in enumerate(panels):
        x = pdf.l_margin + n * (width + gap)
        pdf.set_fill_color(*PANEL)
        pdf.rect(x, top, width, 20, style="F")
        pdf.set_xy(x + 4, top + 3)
        _text(pdf, 15, ACCENT, "B")
        pdf.cell(width - 8, 8, figure)
        pdf.set_xy(x + 4, top + 11)
        _text(pdf, 9, MUTED)
        pdf.cell(width - 8, 5, caption)
    pdf.set_xy(pdf.l_margin, top + 22)
    _text(pdf, 8.5, MUTED)
    pdf.multi_cell(0, 4.5, f"Credits are counted at {report.credits_rule}.", align="L")
    pdf.ln(4)


def totals_credits(report: LogReport) -> str:
    return credits_label(report.totals.credits)


def _section_title(pdf: LogPDF, title: str) -> None:
    _text(pdf, 13, INK, "B")
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 24, pdf.get_y())
    pdf.ln(3)


def _contributions(pdf: LogPDF, report: LogReport) -> None:
    _section_title(pdf, "Contributions to the forum in this period")
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    for label, count in report.contributions.rows():
        _text(pdf, 10)
        pdf.cell(pdf.epw - 25, 7, label)
        _text(pdf, 10, INK, "B")
        pdf.cell(25, 7, str(count), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1.5)
    _text(pdf, 8.5, MUTED)
    pdf.multi_cell(
        0, 4.5,
        "Counted by the forum from what it stores: questions and replies written in the "
        "period, replies among them accepted as a thread's solution, resources added to the "
        "library, and helpful marks other members gave the member's posts in the period.",
        align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(5)


def _entry_table(pdf: LogPDF, report: LogReport) -> None:
    """One line an entry, for the appraiser's first look; the reflections follow."""
    if not report.entries:
        return
    _section_title(pdf, "Summary of learning")
    _text(pdf, 9.5)
    pdf.set_draw_color(*RULE)
    headings = FontFace(emphasis="BOLD", color=MUTED, fill_color=PANEL)
    with pdf.table(
        col_widths=(25, 99, 28, 18), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, headings_style=headings,
        line_height=5.5, padding=(1.2, 1.5), align="LEFT", width=pdf.epw,
    ) as table:  # fmt: skip
        table.row(("Date", "Activity", "Time", "Credits"))
        for row in report.entries:
            table.row((short_date(row.learned_on), row.title, row.time_label, row.credits_label))
        totals = report.totals
        total = table.row(style=FontFace(emphasis="BOLD"))
        for text in ("Total", f"{totals.entries} entries", totals.time_label):
            total.cell(text)
        total.cell(credits_label(totals.credits))
    pdf.ln(6)


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _entries(pdf: LogPDF, report: LogReport) -> None:
    if report.entries and _breaks(pdf, report.entries[0], heading=True):
        pdf.add_page()  # the heading goes with the first entry
    _section_title(pdf, "Learning and reflection")
    if not report.entries:
        _text(pdf, 10, MUTED)
        pdf.multi_cell(0, 6, "No entries in this period.")
        return
    for n, row in enumerate(report.entries):
        if n and _breaks(pdf, row):
            pdf.add_page()
        elif n:
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.2)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
            pdf.ln(3)
        _entry(pdf, row)


def _breaks(pdf: LogPDF, row: EntryRow, *, heading: bool = False) -> bool:
    """Start the entry on a new page when it would not fit on this one, unless it is long
    (more than half a page): then it starts here, rather than leave half a page empty."""
    room = pdf.page_break_trigger - pdf.get_y()
    if room < ENTRY_MIN_SPACE:
        return True
    height = _entry_height(pdf, row) + (14 if heading else 3)
    return room < height < (pdf.page_break_trigger - pdf.t_margin) / 2


def _measure(pdf: LogPDF, size: float, style: str, line: float, text: str) -> float:
    pdf.set_font(FONT, style, size)
    return len(wrapped(pdf, text)) * line


def wrapped(pdf: LogPDF, text: str) -> list[str]:
    """``text`` broken into lines that fit the page in the current font, at spaces (or
    anywhere in a word longer than a line). Measuring each word once keeps a long log
    quick: fpdf2's ``multi_cell`` measures a line again for every character it adds."""
    lines: list[str] = []
    measure = _widths(pdf)
    space = measure(" ")
    for paragraph in text.splitlines() or [""]:
        line, width = "", 0.0
        for word in paragraph.split(" "):
            size = measure(word)
            if line and width + space + size <= pdf.epw:
                line, width = f"{line} {word}", width + space + size
                continue
            if line:
                lines.append(line)
            while size > pdf.epw:  # a word wider than the page: break it anywhere
                cut = _fitting(pdf, word)
                lines.append(word[:cut])
                word = word[cut:]
                size = measure(word)
            line, width = word, size
        lines.append(line)
    return lines


def _widths(pdf: LogPDF) -> Callable[[str], float]:
    """Each word's width in the current font, measured once per document."""
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
    known: dict[str, float] = pdf.word_widths.setdefault(key, {})

    def width(word: str) -> float:
        if word not in known:
            known[word] = pdf.get_string_width(word)
        return known[word]

    return width


def _fitting(pdf: LogPDF, word: str) -> int:
    """How many characters of ``word`` fit on a line (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(word[:middle]) <= pdf.epw:
            low = middle
        else:
            high = middle - 1
    return low


def _entry_height(pdf: LogPDF, row: EntryRow) -> float:
    """What ``_entry`` will take, measured without drawing (fpdf2's dry run)."""
    height = 5 + _measure(pdf, 11.5, "B", 6, row.title) + 1.5 + 2
    if row.link:
        height += _measure(pdf, 8.5, "", 4.5, row.link)
    for name, _ in PROMPT_LABELS:
        text = getattr(row, name)
        height += 5 + 1.5 + (_measure(pdf, 10, "", 5, text) if text else 5)
    return height


def _closing_note(pdf: LogPDF, report: LogReport) -> None:
    if pdf.page_break_trigger - pdf.get_y() < 15:
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, 8.5, MUTED)
    pdf.multi_cell(
        0, 4.5,
        f"Written by {report.member_name} in their private learning log on "
        f"{report.site_name}, and exported by them on {long_date(report.made_on)}. Times and "
        "reflections are their own; each was checked for patient identifiers as it was written.",
        align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip


def _entry(pdf: LogPDF, row: EntryRow) -> None:
    _text(pdf, 9, ACCENT, "B")
    unit = "credit" if row.credits == 1 else "credits"
    when = f"{long_date(row.learned_on)}  ·  {row.time_label}  ·  {row.credits_label} {unit}"
    pdf.cell(0, 5, when, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _text(pdf, 11.5, INK, "B")
    pdf.multi_cell(0, 6, row.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if row.link:
        _text(pdf, 8.5, ACCENT)
        pdf.multi_cell(
            0, 4.5, row.link, link=row.link, wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
    pdf.ln(1.5)
    for name, label in PROMPT_LABELS:
        text = getattr(row, name)
        _text(pdf, 9, MUTED, "B")
        pdf.cell(0, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if text:
            _text(pdf, 10)
            for line in wrapped(pdf, text):
                pdf.cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            _text(pdf, 9.5, MUTED)
            pdf.cell(0, 5, "Not recorded", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    pdf.ln(2)
