"""Which files the forum accepts, judged by their content, not their name or browser label.

``check_content`` refuses what docs/uploads.md#what-happens-to-an-upload lists. No Flask, no
database.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

__all__ = [
    "KINDS",
    "FileKind",
    "FileRefused",
    "ZipLimits",
    "check_content",
]

HEAD_BYTES = 8192
MAX_NAME_LENGTH = 120


class FileRefused(Exception):
    """The file cannot be accepted; ``message`` tells the uploader why."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class FileKind:
    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    #: Shown in the browser rather than downloaded (re-encoded images only).
    inline: bool = False

    @property
    def is_image(self) -> bool:
        return self.inline


_OOXML = "application/vnd.openxmlformats-officedocument."
KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", ("pdf",)),
        FileKind("docx", "Word document", _OOXML + "wordprocessingml.document", ("docx",)),
        FileKind("pptx", "PowerPoint presentation", _OOXML + "presentationml.presentation",
                 ("pptx",)),
        FileKind("xlsx", "Excel spreadsheet", _OOXML + "spreadsheetml.sheet", ("xlsx",)),
        FileKind("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("csv", "CSV table", "text/csv; charset=utf-8", ("csv",)),
        FileKind("png", "PNG image", "image/png", ("png",), inline=True),
        FileKind("jpeg", "JPEG image", "image/jpeg", ("jpg", "jpeg"), inline=True),
        FileKind("gif", "GIF image", "image/gif", ("gif",), inline=True),
    )
}  # fmt: skip
ACCEPTED_EXTENSIONS = tuple(sorted(ext for kind in KINDS.values() for ext in kind.extensions))

#: Main part content types of the OOXML kinds (``[Content_Types].xml``).
_OOXML_MAIN = {
    "docx": _OOXML + "wordprocessingml.document.main+xml",
    "pptx": _OOXML + "presentationml.presentation.main+xml",
    "xlsx": _OOXML + "spreadsheetml.sheet.main+xml",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_members: int = 2000
    max_ratio: int = 100


_PROGRAM_SIGNATURES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Java or Mac program"),
    (b"#!", "a script"),
)
_MARKUP = re.compile(
    rb"<\s*(?:script|html|!doctype|svg|iframe|body|object|embed|meta|\?php)\b|javascript:",
    re.IGNORECASE,
)
#: Markup that could make binary data run as a script, chosen long enough that compressed
#: pixel data practically never contains it by chance (images are re-encoded anyway).
_SCRIPT_IN_BINARY = re.compile(
    rb"<script|<iframe|<html[\s>]|<!doctype|javascript:|<\?php\s", re.IGNORECASE
)
_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}


def _looks_like(head: bytes) -> str | None:
    """What the start of a file says it is, when that is something we never accept."""
    for signature, description in _PROGRAM_SIGNATURES:
        if head.startswith(signature):
            return description
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        return "an SVG image (which can run scripts)"
    if text.startswith(b"<") and _MARKUP.search(text):
        return "a web page (which can run scripts)"
    return None


def _mismatch(kind: FileKind, seen: str | None) -> FileRefused:
    what = f"it looks like {seen}" if seen else f"its content is not a {kind.label}"
    return FileRefused(
        f"This file is named as a {kind.label}, but {what}, so it was not accepted. Upload the "
        f"original {kind.label}, or save the document in one of the accepted formats.",
        status=415,
    )


def check_content(path: Path, kind: FileKind, limits: ZipLimits | None = None) -> None:
    """Refuse ``path`` unless its bytes are really a ``kind`` file."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    seen = _looks_like(head)
    if kind.name == "csv":
        _check_csv(path, kind, seen)
        return
    if seen or not head.startswith(_SIGNATURES[kind.name]):
        raise _mismatch(kind, seen)
    if kind.name in ("docx", "pptx", "xlsx", "odt"):
        _check_package(path, kind, limits or ZipLimits())
    elif kind.name == "pdf":
        _check_pdf(path)
    else:
        _check_image_bytes(path, kind)


def _check_csv(path: Path, kind: FileKind, seen: str | None) -> None:
    data = path.read_bytes()
    if seen:
        raise _mismatch(kind, seen)
    if b"\x00" in data:
        raise _mismatch(kind, "a binary file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "This CSV file is not UTF-8 text. In Excel choose “Save as… CSV UTF-8”, then upload "
            "it again.",
            status=415,
        ) from None
    if _MARKUP.search(text.encode()):
        raise _mismatch(kind, "a web page (it contains HTML or script)")


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    if re.search(rb"/(?:JavaScript|Launch)\b", data):
        raise FileRefused(
            "This PDF contains scripts or an action that starts a program, so it was not "
            "accepted. Print it to a new PDF (File, Print, Save as PDF) and upload that.",
            status=415,
        )


# ZIP-based documents ----------------------------------------------------------------------

_BOMB = (
    "This document would unpack to far more than its size (it may be a “zip bomb”), so it was "
    "not opened. If it is a genuine document, save it again from Word, PowerPoint or Excel."
)
CONTENT_TYPES_LIMIT = 1024 * 1024


def _check_package(path: Path, kind: FileKind, limits: ZipLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_zip_members(members, limits)
            _check_package_type(archive, kind)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise _mismatch(kind, "a damaged or incomplete file") from None


def _check_zip_members(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(members) > limits.max_members:
        raise FileRefused(_BOMB, status=415)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRefused(
                "This document is password-protected, so it cannot be checked. Remove the "
                "password and upload it again.",
                status=415,
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > limits.max_unpacked_bytes or (
            member.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise FileRefused(_BOMB, status=415)


def _check_package_type(archive: zipfile.ZipFile, kind: FileKind) -> None:
    names = set(archive.namelist())
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(
            "This document contains macros, which can run programs, so it was not accepted. "
            "Save it as a macro-free document (.docx, .pptx or .xlsx) and upload that.",
            status=415,
        )
    if kind.name == "odt":
        ok = (
            archive.infolist()[0].filename == "mimetype"
            and _read(archive, "mimetype", 100).strip() == _ODT_MIMETYPE
        )
    else:
        ok = "[Content_Types].xml" in names and _OOXML_MAIN[kind.name] in _content_types(archive)
    if not ok:
        raise _mismatch(kind, _other_package(archive, names))


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as member:
        return member.read(limit)


def _content_types(archive: zipfile.ZipFile) -> set[str]:
    raw = _read(archive, "[Content_Types].xml", CONTENT_TYPES_LIMIT)
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        return set()
    return {element.get("ContentType", "") for element in root}


def _other_package(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        types = " ".join(_content_types(archive))
        for other, main in _OOXML_MAIN.items():
            if main in types:
                return f"a {KINDS[other].label}"
        if "macroEnabled" in types:
            return "a document with macros"
    if "mimetype" in names:
        return "a different OpenDocument file"
    return "a ZIP archive"


# Images -------------------------------------------------------------------------------------

_POLYGLOT = (
    "This image has extra content hidden in it (it could be a script disguised as a picture), "
    "so it was not accepted. Open it in an image editor, save it again and upload the new copy."
)


def _check_image_bytes(path: Path, kind: FileKind) -> None:
    data = path.read_bytes()
    if _SCRIPT_IN_BINARY.search(data):
        raise FileRefused(_POLYGLOT, status=415)
    if kind.name == "gif" and (data[6:8] == b"/*" or _gif_end(data) < len(data.rstrip(b"\x00"))):
        raise FileRefused(_POLYGLOT, status=415)
    if kind.name == "png" and _png_end(data) < len(data):
        raise FileRefused(_POLYGLOT, status=415)


def _gif_end(data: bytes) -> int:
    """Offset just past the GIF trailer (0x3B), walking the block structure."""
    flags = data[10] if len(data) > 10 else 0
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while pos < len(data):
        marker = data[pos]
        if marker == 0x3B:
            return pos + 1
        if marker == 0x21:
            pos = _skip_sub_blocks(data, pos + 2)
        elif marker == 0x2C:
            local = data[pos + 9] if pos + 9 < len(data) else 0
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            pos = _skip_sub_blocks(data, pos + 1)
        else:
            return pos
    return len(data)


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _png_end(data: bytes) -> int:
    """Offset just past the IEND chunk."""
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk = data[pos + 4 : pos + 8]
        pos += 12 + length
        if chunk == b"IEND":
            return pos
    return len(data)
