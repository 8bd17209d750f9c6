"""The learning log as a PDF an appraiser reads: who, when, the totals, the contributions,
then each entry with its reflection under the three prompts.

fpdf2 writes it in pure Python (no system libraries), with DejaVu Sans embedded (subset) from
``forum/data/fonts/`` so the text is selectable, any name prints, and the file looks the same
on every machine.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from forum.queries.learning import credits_label
from forum.services.learning.report import PROMPT_LABELS, EntryRow, LogReport, long_date

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONT = "DejaVu"
INK, MUTED, ACCENT, RULE, PANEL = (33, 37, 41), (95, 99, 104), (0, 82, 147), (200, 204, 208), (
    241, 244, 247,
)  # fmt: skip
#: Start an entry on a new page rather than leave its heading alone at the foot of one.
ENTRY_MIN_SPACE = 45


class LogPDF(FPDF):
    """A4 pages with a running footer naming the member, the range and the page."""

    def __init__(self, report: LogReport) -> None:
        super().__init__(format="A4", unit="mm")
        self.report = report
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
        self.cell(self.epw - 30, 5, who)
        self.cell(30, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def render_pdf(report: LogReport) -> bytes:
    pdf = LogPDF(report)
    pdf.add_page()
    _heading(pdf, report)
    _summary(pdf, report)
    _contributions(pdf, report)
    _entries(pdf, report)
    return bytes(pdf.output())


def _text(pdf: FPDF, size: float, colour: tuple[int, int, int] = INK, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)


def _heading(pdf: FPDF, report: LogReport) -> None:
    _text(pdf, 9, MUTED, "B")
    pdf.cell(0, 5, "CONTINUING PROFESSIONAL DEVELOPMENT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _text(pdf, 22, INK, "B")
    pdf.cell(0, 12, "Learning log", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    rows = [("Name", report.member_name)]
    if report.gmc_number:
        rows.append(("GMC number", report.gmc_number))
    rows += [
        ("Period", report.range_label),
        ("Prepared", f"{long_date(report.made_on)}, from {report.site_name}"),
    ]
    for label, value in rows:
        _text(pdf, 10, MUTED)
        pdf.cell(32, 6.5, label)
        _text(pdf, 10, INK, "B" if label == "Name" else "")
        pdf.multi_cell(0, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _summary(pdf: FPDF, report: LogReport) -> None:
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
    pdf.multi_cell(0, 4.5, f"Credits are counted at {report.credits_rule}.")
    pdf.ln(4)


def totals_credits(report: LogReport) -> str:
    return credits_label(report.totals.credits)


def _section_title(pdf: FPDF, title: str) -> None:
    _text(pdf, 13, INK, "B")
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 24, pdf.get_y())
    pdf.ln(3)


def _contributions(pdf: FPDF, report: LogReport) -> None:
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
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(5)


def _entries(pdf: FPDF, report: LogReport) -> None:
    _section_title(pdf, "Learning and reflection")
    if not report.entries:
        _text(pdf, 10, MUTED)
        pdf.multi_cell(0, 6, "No entries in this period.")
        return
    for n, row in enumerate(report.entries):
        if pdf.get_y() > pdf.page_break_trigger - ENTRY_MIN_SPACE:
            pdf.add_page()
        elif n:
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.2)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
            pdf.ln(3)
        _entry(pdf, row)


def _entry(pdf: FPDF, row: EntryRow) -> None:
    _text(pdf, 9, ACCENT, "B")
    when = f"{long_date(row.learned_on)}  ·  {row.time_label}  ·  {row.credits_label} credits"
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
            pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            _text(pdf, 9.5, MUTED)
            pdf.cell(0, 5, "Not recorded", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    pdf.ln(2)
