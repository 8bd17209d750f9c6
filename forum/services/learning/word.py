"""The learning log as a Word document (python-docx): the PDF's layout, editable, for
appraisal systems that take pasted text or an uploaded document."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from forum.queries.learning import credits_label, long_date
from forum.services.learning.report import PROMPT_LABELS, EntryRow, LogReport

MUTED, ACCENT = RGBColor(0x5F, 0x63, 0x68), RGBColor(0x00, 0x52, 0x93)


def render_docx(report: LogReport) -> bytes:
    document = Document()
    _setup(document, report)
    _heading(document, report)
    _contributions(document, report)
    document.add_heading("Learning and reflection", level=1)
    if not report.entries:
        document.add_paragraph("No entries in this period.")
    for row in report.entries:
        _entry(document, row)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document: DocumentType, report: LogReport) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    props = document.core_properties
    props.title = f"Learning log: {report.member_name}, {report.range_label}"
    props.author, props.subject = report.member_name, "Continuing professional development"
    made = report.made_on
    props.created = props.modified = datetime(made.year, made.month, made.day)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"Learning log of {report.member_name} · {report.range_label}"
    footer.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _muted(paragraph: Paragraph, text: str, *, bold: bool = False, size: float = 9) -> None:
    run = paragraph.add_run(text)
    run.bold, run.font.size, run.font.color.rgb = bold, Pt(size), MUTED


def _heading(document: DocumentType, report: LogReport) -> None:
    _muted(document.add_paragraph(), "CONTINUING PROFESSIONAL DEVELOPMENT", bold=True)
    document.add_heading("Learning log", level=0)
    rows = report.detail_rows() + [
        ("Entries", str(report.totals.entries)),
        ("Time", report.totals.time_label),
        ("CPD credits", f"{credits_label(report.totals.credits)} ({report.credits_rule})"),
    ]
    _table(document, rows, bold_values=("Name", "Time", "CPD credits"))


def _table(
    document: DocumentType, rows: list[tuple[str, str]], bold_values: tuple[str, ...] = ()
) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Light List Accent 1"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        run = cells[1].paragraphs[0].add_run(value)
        run.bold = label in bold_values


def _contributions(document: DocumentType, report: LogReport) -> None:
    document.add_heading("Contributions to the forum in this period", level=1)
    _table(document, [(label, str(n)) for label, n in report.contributions.rows()])
    _muted(
        document.add_paragraph(),
        "Counted by the forum from what it stores: questions and replies written in the "
        "period, replies among them accepted as a thread's solution, resources added to the "
        "library, and helpful marks other members gave the member's posts in the period.",
    )


def _entry(document: DocumentType, row: EntryRow) -> None:
    when = document.add_paragraph()
    run = when.add_run(f"{long_date(row.learned_on)} · {row.time_label} · ")
    run.bold, run.font.color.rgb = True, ACCENT
    run = when.add_run(f"{row.credits_label} credit{'' if row.credits == 1 else 's'}")
    run.bold, run.font.color.rgb = True, ACCENT
    when.paragraph_format.space_before = Pt(12)
    when.paragraph_format.keep_with_next = True
    document.add_heading(row.title, level=2).paragraph_format.keep_with_next = True
    if row.link:
        _hyperlink(document.add_paragraph(), row.link)
    for name, label in PROMPT_LABELS:
        title = document.add_paragraph()
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_after = Pt(0)
        _muted(title, label, bold=True, size=9.5)
        text = getattr(row, name)
        if text:
            document.add_paragraph(text)
        else:
            _muted(document.add_paragraph(), "Not recorded", size=10)


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A clickable link (python-docx has no call for one; this is the documented XML)."""
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "005293")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "18")
    props.extend([colour, underline, size])
    text = OxmlElement("w:t")
    text.text = url
    run.extend([props, text])
    link.append(run)
    paragraph._p.append(link)
