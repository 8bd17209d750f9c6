"""File names: the name an upload is shown and downloaded under, and the kind it claims.

``clean_filename`` refuses names that try to be paths and tidies the rest; ``kind_for_name``
maps a cleaned name to a ``forum.uploads.filetypes.FileKind`` or refuses the type with a message for
the person uploading. The bytes are judged afterwards by ``forum.uploads.filetypes.check_content``.
No Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata

from forum.uploads.filetypes import KINDS, MAX_NAME_LENGTH, FileKind, FileRefused

_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}

_NAMED_REFUSALS = {
    "svg": "SVG images are not accepted because they can contain scripts. Export the picture "
    "as PNG or JPEG and upload that.",
    "html": "Web pages (HTML) are not accepted because they can run scripts. Save the page as "
    "PDF and upload that.",
    "doc": "Old Word files (.doc) are not accepted. Save it as .docx or PDF and upload that.",
    "xls": "Old Excel files (.xls) are not accepted. Save it as .xlsx or CSV and upload that.",
    "ppt": "Old PowerPoint files (.ppt) are not accepted. Save it as .pptx or PDF and upload that.",
}
_NAMED_REFUSALS["htm"] = _NAMED_REFUSALS["xhtml"] = _NAMED_REFUSALS["html"]
_NAMED_REFUSALS["svgz"] = _NAMED_REFUSALS["svg"]
_PROGRAM_EXTENSIONS = frozenset(
    "exe com bat cmd msi scr ps1 vbs js jse wsf sh app dmg jar apk dll so py php pl rb".split()
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_ENCODED_PATH = re.compile(r"%(?:2e|2f|5c|00)", re.IGNORECASE)
_AWKWARD = re.compile(r'[<>:"|?*;]')
_WINDOWS_RESERVED = re.compile(r"(?i)(?:con|prn|aux|nul|com[0-9]|lpt[0-9])")


def clean_filename(name: str) -> str:
    """The name to show and offer for download; refuses names that try to be paths.

    Names with folder separators, ``..``, percent-encoded path characters or control
    characters are refused outright (no honest file is called that); others are tidied:
    awkward characters become ``_``, Windows device names get a prefix, long names are cut
    keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    if _CONTROL.search(name):
        raise FileRefused(
            "The file name contains invisible control characters. Rename the file using "
            "letters, numbers, spaces, dashes and dots, then upload it again."
        )
    if "/" in name or "\\" in name or _ENCODED_PATH.search(name) or ".." in name:
        raise FileRefused(
            "The file name looks like a folder path (it contains /, \\ or ..). Rename the "
            "file to a plain name such as report.pdf, then upload it again."
        )
    name = " ".join(_AWKWARD.sub("_", name).split()).strip(". ")
    if not name or "." not in name:
        raise FileRefused("The file needs a name with an extension, such as report.pdf.")
    stem, _, extension = name.rpartition(".")
    if _WINDOWS_RESERVED.fullmatch(stem.split(".")[0]):
        stem = "_" + stem
    room = MAX_NAME_LENGTH - len(extension) - 1
    return f"{stem[:room].rstrip('. ') or 'file'}.{extension}"


def _accepted_list() -> str:
    return (
        "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), OpenDocument text (.odt), CSV, "
        "PNG, JPEG and GIF"
    )


def kind_for_name(name: str) -> FileKind:
    """The kind a (cleaned) file name claims; refuses types the forum does not take."""
    extension = name.rpartition(".")[2].lower()
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    if extension in _NAMED_REFUSALS:
        raise FileRefused(_NAMED_REFUSALS[extension], status=415)
    if extension in _PROGRAM_EXTENSIONS:
        raise FileRefused(
            f"Programs and scripts (.{extension}) are not accepted. The forum takes "
            f"{_accepted_list()} files.",
            status=415,
        )
    raise FileRefused(
        f"Files of type .{extension} are not accepted. The forum takes {_accepted_list()} files.",
        status=415,
    )
