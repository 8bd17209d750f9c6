"""Uploading files: check, clean, scan and store them; link them to the posts that use them.

An upload goes through, in order: the file name (cleaned, or refused if it tries to be a
path), the size, the content's magic bytes against the claimed type, the virus scanner (when
``CLAMD_SOCKET`` is set), re-encoding (images) or unpacking limits (documents), the text
inside it through the patient-identifier check, and only then storage, by SHA-256. It is
written to a scratch file in the upload folder first and renamed into place at the end, so a
refused upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Select, delete, exists, func, select, update

from forum import pii
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Attachment, Draft, Post, ResourceVersion, StoredFile, utcnow
from forum.policy import Actor, can_upload, is_admin, require
from forum.services.upserts import insert
from forum.uploads import clamd, filetypes, images
from forum.uploads import extraction as file_text
from forum.uploads import names as file_names
from forum.uploads.filetypes import FileKind, FileRefused
from forum.uploads.storage import scratch_file, storage

log = logging.getLogger(__name__)

COPY_CHUNK = 256 * 1024
#: Text kept for search (the whole text is checked for patient identifiers).
SEARCH_TEXT_CHARS = 100_000
_UPLOAD_REFERENCE = re.compile(r"(?<![\w/])/uploads/([0-9]{1,18})(?![\w/.-])")


@dataclass(frozen=True)
class Concern:
    """Something the patient-identifier check found: what kind, and where (never the text)."""

    kind: str
    where: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "where": self.where, "message": self.message}


class UploadRefused(ServiceError):
    """The upload was not kept; ``status`` is the HTTP status a request should answer with."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        field_name: str = "file",
        concerns: Iterable[Concern] = (),
        needs_check: bool = False,
    ) -> None:
        super().__init__(message, field_name)
        self.status = status
        self.concerns = tuple(concerns)
        self.needs_check = needs_check


@dataclass
class _Checked:
    kind: FileKind
    path: Path
    text: str = ""
    width: int | None = None
    height: int | None = None
    concerns: list[Concern] = field(default_factory=list)


def _config(name: str) -> int:
    return int(current_app.config[name])


def _limits() -> filetypes.ZipLimits:
    return filetypes.ZipLimits(
        max_unpacked_bytes=_config("UPLOAD_MAX_UNPACKED_BYTES"),
        max_members=_config("UPLOAD_MAX_ZIP_MEMBERS"),
        max_ratio=_config("UPLOAD_MAX_COMPRESSION_RATIO"),
    )


def size_limit_message() -> str:
    megabytes = _config("UPLOAD_MAX_BYTES") / (1024 * 1024)
    return (
        f"This file is larger than the {megabytes:g} MB limit for uploads. Make it smaller "
        "(compress the pictures in it, or save a PDF for screen rather than print) or share a "
        "link to it instead."
    )


# Receiving and checking ----------------------------------------------------------------------


def _receive(stream: BinaryIO, target: Path) -> None:
    limit, written = _config("UPLOAD_MAX_BYTES"), 0
    with target.open("wb") as out:
        while chunk := stream.read(COPY_CHUNK):
            written += len(chunk)
            if written > limit:
                raise UploadRefused(size_limit_message(), status=413)
            out.write(chunk)
    if written == 0:
        raise UploadRefused("This file is empty. Choose the file again and upload it.")


def _virus_scan(path: Path) -> None:
    socket_path = current_app.config.get("CLAMD_SOCKET")
    if not socket_path:
        return
    try:
        result = clamd.scan_file(
            socket_path, path, timeout=current_app.config["CLAMD_TIMEOUT_SECONDS"]
        )
    except clamd.ScannerUnavailable as error:
        log.error("virus scanner unavailable: %s", error)
        raise UploadRefused(
            "The virus scanner is not answering, so files cannot be accepted just now. Please "
            "try again in a few minutes.",
            status=503,
        ) from None
    if not result.clean:
        log.warning("upload refused: virus scanner found %s", result.signature)
        raise UploadRefused(
            f"The virus scanner found a threat in this file ({result.signature}), so it was not "
            "accepted. Check the computer it came from before sharing files from it.",
            status=422,
        )


def _findings(text: file_text.Text, filename: str) -> tuple[list[Concern], list[Concern]]:
    """What blocks the file, and what the uploader must check, each once per place."""
    blocking: dict[tuple[str, str], Concern] = {}
    asking: dict[tuple[str, str], Concern] = {}
    for source, where in ((filename, "the file name"), (text.joined, "")):
        for finding in pii.scan(source):
            if finding.severity not in ("block", "confirm"):
                continue
            place = where or text.location_of(finding.start)
            label = pii.KIND_LABELS.get(finding.kind, "This may identify a patient.")
            found = blocking if finding.severity == "block" else asking
            found.setdefault((finding.kind, place), Concern(finding.kind, place, label))
    return list(blocking.values()), list(asking.values())


def _describe(concerns: list[Concern]) -> str:
    return " ".join(f"In {c.where}: {c.message}" for c in concerns[:5])


def _screen_patient_data(text: file_text.Text, filename: str, checked: bool) -> None:
    blocking, asking = _findings(text, filename)
    if blocking:
        log.warning("upload refused: patient identifiers (%s)", _kinds(blocking))
        raise UploadRefused(
            "This file seems to contain patient-identifiable information, so it was not "
            f"uploaded. {_describe(blocking)} Remove it, save the file again and upload the "
            "new copy.",
            status=422,
            concerns=blocking,
        )
    if asking and not checked:
        raise UploadRefused(
            f"Please check this file before sharing it. {_describe(asking)} If you are sure it "
            "identifies no patient, tick “I have checked this file” and upload it again.",
            status=422,
            concerns=asking,
            needs_check=True,
        )


def _kinds(concerns: list[Concern]) -> str:
    return ",".join(sorted({c.kind for c in concerns}))


def _check(original: Path, cleaned: Path, kind: FileKind, filename: str, checked: bool) -> _Checked:
    filetypes.check_content(original, kind, _limits())
    _virus_scan(original)
    result = _Checked(kind, original)
    if kind.is_image:
        image = images.reencode(
            original, cleaned, kind, max_pixels=_config("UPLOAD_MAX_IMAGE_PIXELS")
        )
        result.path, result.width, result.height = cleaned, image.width, image.height
    text = file_text.extract(result.path, kind)
    _screen_patient_data(text, filename, checked)
    result.text = text.joined[:SEARCH_TEXT_CHARS]
    return result


# Storing ---------------------------------------------------------------------------------------


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        while chunk := file.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _stored_file(checked: _Checked) -> StoredFile:
    sha, size = _sha256(checked.path)
    storage().put(sha, checked.path)
    values = dict(
        sha256=sha,
        size=size,
        kind=checked.kind.name,
        media_type=checked.kind.media_type,
        extracted_text=checked.text,
        width=checked.width,
        height=checked.height,
        created_at=utcnow(),
    )
    db.session.execute(insert(StoredFile).values(**values).on_conflict_do_nothing())
    return db.session.scalars(select(StoredFile).where(StoredFile.sha256 == sha)).one()


def _alt_text(kind: FileKind, alt_text: str) -> str:
    alt_text = " ".join((alt_text or "").split())[:500]
    if kind.is_image and not alt_text:
        raise UploadRefused(
            "Describe the image in a few words (its alt text), so that members who use a "
            "screen reader know what it shows.",
            status=422,
            field_name="alt",
        )
    return alt_text


def _refused(error: FileRefused) -> UploadRefused:
    return UploadRefused(error.message, status=error.status)


def store_upload(
    actor: Actor,
    stream: BinaryIO,
    filename: str,
    *,
    alt_text: str = "",
    checked: bool = False,
    decorative: bool = False,
) -> Attachment:
    """Check and keep an uploaded file; returns its (not yet linked) attachment.

    ``checked``: the uploader confirmed the file identifies no patient, which lets through
    what the patient-identifier check only asks about (never what it blocks).
    ``decorative``: the uploader said the picture is only decoration (an empty alt text).
    """
    require(can_upload(actor))
    try:
        name = file_names.clean_filename(filename)
        kind = file_names.kind_for_name(name)
        alt = "" if decorative else _alt_text(kind, alt_text)
        with scratch_file() as original, scratch_file() as cleaned:
            _receive(stream, original)
            stored = _stored_file(_check(original, cleaned, kind, name, checked))
    except FileRefused as error:
        log.info("upload refused: %s", type(error).__name__)
        raise _refused(error) from None
    attachment = Attachment(file_id=stored.id, uploader_id=actor.id, filename=name, alt_text=alt)
    attachment.file = stored
    db.session.add(attachment)
    db.session.flush()
    return attachment


# Using uploads in posts ------------------------------------------------------------------------


def _escape_markdown(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def markdown_for(attachment: Attachment) -> str:
    """What the composer inserts: an image, or a link to the file."""
    if filetypes.KINDS[attachment.file.kind].is_image:
        return f"![{_escape_markdown(attachment.alt_text)}]({attachment.url})"
    return f"[{_escape_markdown(attachment.filename)}]({attachment.url})"


def referenced_ids(body: str) -> list[int]:
    return sorted({int(match) for match in _UPLOAD_REFERENCE.findall(body)})


def link_post_uploads(actor: Actor, post: Post) -> int:
    """Link the actor's own unlinked uploads that ``post`` shows or links to; from then on
    the post's readers may fetch them. Returns how many were linked."""
    ids = referenced_ids(post.body_source)
    if not ids or actor.id is None:
        return 0
    result = db.session.execute(
        update(Attachment)
        .where(
            Attachment.id.in_(ids),
            Attachment.post_id.is_(None),
            Attachment.uploader_id == actor.id,
        )
        .values(post_id=post.id, linked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


# Housekeeping ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PruneReport:
    attachments: int
    files: int
    strays: int


def _in_drafts() -> list[int]:
    """Uploads that a saved draft shows or links (it may be posted days later)."""
    bodies = db.session.scalars(select(Draft.body).where(Draft.body.contains("/uploads/")))
    return sorted({found for body in bodies for found in referenced_ids(body)})


def _unused_attachments(cutoff: datetime) -> Select[tuple[int]]:
    in_library = exists().where(ResourceVersion.attachment_id == Attachment.id)
    return select(Attachment.id).where(
        Attachment.post_id.is_(None),
        Attachment.created_at < cutoff,
        ~in_library,
        Attachment.id.not_in(_in_drafts()),
    )


def prune_uploads(actor: Actor, *, pending_hours: int | None = None) -> PruneReport:
    """Remove uploads never attached to anything, stored files nothing uses any more, and
    files on disk the database does not know (left by a crash mid-upload)."""
    require(is_admin(actor))
    hours = pending_hours if pending_hours is not None else _config("UPLOAD_PENDING_HOURS")
    now = utcnow()
    removed = db.session.execute(
        delete(Attachment).where(
            Attachment.id.in_(_unused_attachments(now - timedelta(hours=hours)))
        )
    ).rowcount
    orphans = db.session.execute(
        select(StoredFile.id, StoredFile.sha256).where(
            ~exists().where(Attachment.file_id == StoredFile.id)
        )
    ).all()
    if orphans:
        db.session.execute(delete(StoredFile).where(StoredFile.id.in_([o.id for o in orphans])))
    db.session.flush()
    for orphan in orphans:
        storage().delete(orphan.sha256)
    return PruneReport(removed or 0, len(orphans), _remove_strays(now.timestamp() - 3600))


def _remove_strays(before: float) -> int:
    """Files on disk with no row, and scratch files, older than ``before`` (a timestamp)."""
    store, removed = storage(), 0
    known = set(db.session.scalars(select(StoredFile.sha256)))
    for sha, mtime in list(store.stored_hashes()):
        if sha not in known and mtime < before:
            store.delete(sha)
            removed += 1
    for path, mtime in list(store.scratch_files()):
        if mtime < before:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def usage() -> tuple[int, int]:
    """How many files are stored and how many bytes they take."""
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(StoredFile.size), 0))
    ).one()
    return int(row[0]), int(row[1])
