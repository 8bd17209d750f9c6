"""The archive: one gzipped tar holding the database dump first, then ``uploads/...``, then
``manifest.json`` (written last, so it can hold the SHA-256 and size of every member, each
hashed as it is written, in one read)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from forum.cli.backups.databases import DATABASE_FILES, BackupError
from forum.uploads.storage import SCRATCH_PREFIX

FORMAT = "forum-backup/2"
#: Archives this code reads: the first format had no checksums and its manifest came first.
FORMATS = ("forum-backup/1", FORMAT)
MANIFEST = "manifest.json"
UPLOADS = "uploads"
CHUNK = 1024 * 1024
#: gzip level. The app servers beside a backup need the CPU more than the archive needs the
#: last bytes: a 47 MB database gave 16.7 MB in 1 s at level 3, 16.2 MB in 2.3 s at level 6.
COMPRESSION = 3


class _Hashing:
    """A file read through SHA-256."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, file: Path, name: str) -> dict[str, Any]:
    with file.open("rb") as handle:
        info = archive.gettarinfo(arcname=name, fileobj=handle)
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def _upload_files(folder: Path) -> list[Path]:
    """Stored files; not the scratch files of uploads still arriving."""
    if not folder.is_dir():
        return []
    return [
        file
        for file in sorted(folder.rglob("*"))
        if file.is_file() and not (file.parent == folder and file.name.startswith(SCRATCH_PREFIX))
    ]


def write_archive(
    path: Path, dump: Path, uploads: Path, manifest: dict[str, Any]
) -> dict[str, Any]:
    """Write the archive; return its manifest, completed with the uploads and checksums."""
    files = {}
    with tarfile.open(path, "w:gz", compresslevel=COMPRESSION) as archive:
        files[dump.name] = _add(archive, dump, dump.name)
        for file in _upload_files(uploads):
            name = f"{UPLOADS}/{file.relative_to(uploads).as_posix()}"
            try:
                files[name] = _add(archive, file, name)
            except FileNotFoundError:
                continue  # removed since the folder was listed (an abandoned upload pruned)
        manifest = {**manifest, "uploads": len(files) - 1, "files": files}
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        archive.addfile(info, io.BytesIO(data))
    return manifest


# Reading ----------------------------------------------------------------------------------


@dataclass
class Unpacked:
    """What reading an archive found: its manifest, and what does not match it."""

    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    #: Files whose checksum matched; None for the first format, which kept none.
    checked: int | None = None

    @property
    def dialect(self) -> str:
        return str(self.manifest.get("dialect", ""))


def unpack(source: Path, work: Path, *, keep: Callable[[str], bool]) -> Unpacked:
    """Read every member of the archive, hashing it; write those ``keep`` names into
    ``work``. Refuses what is not a forum backup; reports members that do not match."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    digests: dict[str, dict[str, Any]] = {}
    manifest = None
    try:
        with tarfile.open(source, "r:*") as archive:
            for member in archive:
                member = tarfile.data_filter(member, str(work))
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(handle.read(CHUNK).decode("utf-8"))
                    continue
                target = work / member.name if keep(member.name) else None
                digests[member.name] = _copy(handle, target)
    except (tarfile.TarError, OSError, ValueError, EOFError) as error:
        raise BackupError(f"{source} is not a readable forum backup: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
        raise BackupError(f"{source} is not a forum backup (no {FORMAT} manifest).")
    found = Unpacked(manifest)
    _compare(found, digests)
    return found


def _copy(handle: BinaryIO, target: Path | None) -> dict[str, Any]:
    """Hash a member, writing it to ``target`` on the way when given one."""
    digest, size, out = hashlib.sha256(), 0, None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("wb")
    try:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return {"sha256": digest.hexdigest(), "size": size}


def _compare(found: Unpacked, digests: dict[str, dict[str, Any]]) -> None:
    expected = found.manifest.get("files")
    database = DATABASE_FILES.get(found.dialect)
    if database not in digests:
        found.problems.append(f"The archive holds no database file ({database}).")
    if expected is None:
        return
    found.checked = 0
    for name, want in sorted(expected.items()):
        got = digests.get(name)
        if got is None:
            found.problems.append(f"{name} is listed in the manifest but missing.")
        elif got != want:
            found.problems.append(f"{name} does not match its checksum: it is damaged.")
        else:
            found.checked += 1
    found.problems += [
        f"{name} is not in the manifest." for name in digests if name not in expected
    ]
