"""Text inside uploaded documents, for the patient-identifier check and for search.

``extract(path, kind)`` returns ``Passage``s, each with where it is ("page 3", "lines 51–100").
Which formats, read how: docs/uploads.md#text-inside-files
"""

from __future__ import annotations

import logging
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from forum.uploads.filetypes import FileKind, FileRefused

__all__ = ["Passage", "Text", "extract"]

#: Stop reading after this much text: enough for any real handout, bounded for the rest.
MAX_CHARS = 2_000_000
MAX_PAGES = 500
MEMBER_READ_LIMIT = 50 * 1024 * 1024
CSV_LINES_PER_PASSAGE = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Passage:
    location: str
    text: str


@dataclass(frozen=True)
class Text:
    passages: tuple[Passage, ...]

    @property
    def joined(self) -> str:
        return "\n".join(passage.text for passage in self.passages)

    def location_of(self, offset: int) -> str:
        """Where in the document the character at ``offset`` of ``joined`` is."""
        starts, position = [], 0
        for passage in self.passages:
            starts.append(position)
            position += len(passage.text) + 1
        index = max(0, bisect_right(starts, offset) - 1)
        return self.passages[index].location if self.passages else ""


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _bounded(passages: Iterator[Passage]) -> Text:
    kept, total = [], 0
    for passage in passages:
        text = _clean(passage.text).strip()
        if not text:
            continue
        kept.append(Passage(passage.location, text[: MAX_CHARS - total]))
        total += len(text)
        if total >= MAX_CHARS:
            break
    return Text(tuple(kept))


def extract(path: Path, kind: FileKind) -> Text:
    """The text of the document at ``path`` (empty for images)."""
    reader = _READERS.get(kind.name)
    if reader is None:
        return Text(())
    try:
        return _bounded(reader(path))
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - a malformed file can break a parser in any way
        raise FileRefused(
            f"This {kind.label} could not be read: it may be damaged. Open it, save it again "
            "(or print it to a new PDF) and upload the new copy.",
            status=415,
        ) from None


# PDF ----------------------------------------------------------------------------------------


def _pdf(path: Path) -> Iterator[Passage]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-file chatter, not errors
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise _locked()
    for number, page in enumerate(reader.pages[:MAX_PAGES], start=1):
        yield Passage(f"page {number}", page.extract_text() or "")


def _locked() -> FileRefused:
    return FileRefused(
        "This document is password-protected, so it cannot be checked for patient "
        "information. Remove the password and upload it again.",
        status=415,
    )


# Word ---------------------------------------------------------------------------------------


def _docx(path: Path) -> Iterator[Passage]:
    import docx

    document = docx.Document(str(path))
    yield from _docx_body(document)
    for number, section in enumerate(document.sections, start=1):
        for part, label in ((section.header, "header"), (section.footer, "footer")):
            text = "\n".join(p.text for p in part.paragraphs)
            yield Passage(f"the {label} of section {number}", text)


def _docx_body(document: object) -> Iterator[Passage]:
    paragraphs = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    for start in range(0, len(paragraphs), 20):
        where = f"paragraphs {start + 1}–{min(start + 20, len(paragraphs))}"
        yield Passage(where, "\n".join(paragraphs[start : start + 20]))
    for number, table in enumerate(document.tables, start=1):  # type: ignore[attr-defined]
        rows = ("\t".join(cell.text for cell in row.cells) for row in table.rows)
        yield Passage(f"table {number}", "\n".join(rows))


# PowerPoint, Excel, OpenDocument: text of XML parts --------------------------------------------


def _xml_text(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as member:
        raw = member.read(MEMBER_READ_LIMIT)
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        return ""
    return "\n".join(piece.strip() for piece in root.itertext() if piece.strip())


def _numbered(names: list[str], pattern: str) -> list[tuple[int, str]]:
    found = [(int(m.group(1)), name) for name in names if (m := re.fullmatch(pattern, name))]
    return sorted(found)


def _parts(path: Path, parts: list[tuple[str, str]]) -> Iterator[Passage]:
    """``parts``: (member name pattern with one number group, label) in reading order."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for pattern, label in parts:
            for number, name in _numbered(names, pattern):
                yield Passage(f"{label} {number}", _xml_text(archive, name))


def _pptx(path: Path) -> Iterator[Passage]:
    return _parts(
        path,
        [
            (r"ppt/slides/slide(\d+)\.xml", "slide"),
            (r"ppt/notesSlides/notesSlide(\d+)\.xml", "the notes of slide"),
        ],
    )


def _xlsx(path: Path) -> Iterator[Passage]:
    yield from _parts(path, [(r"xl/worksheets/sheet(\d+)\.xml", "sheet")])
    with zipfile.ZipFile(path) as archive:
        if "xl/sharedStrings.xml" in archive.namelist():
            yield Passage("the spreadsheet's cells", _xml_text(archive, "xl/sharedStrings.xml"))


def _odt(path: Path) -> Iterator[Passage]:
    with zipfile.ZipFile(path) as archive:
        if "content.xml" in archive.namelist():
            yield Passage("the document", _xml_text(archive, "content.xml"))


def _csv(path: Path) -> Iterator[Passage]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for start in range(0, len(lines), CSV_LINES_PER_PASSAGE):
        end = min(start + CSV_LINES_PER_PASSAGE, len(lines))
        yield Passage(f"lines {start + 1}–{end}", "\n".join(lines[start:end]))


_READERS = {
    "pdf": _pdf,
    "docx": _docx,
    "pptx": _pptx,
    "xlsx": _xlsx,
    "odt": _odt,
    "csv": _csv,
}
