"""Where uploaded files live, behind one small interface keyed by SHA-256.

``storage()`` puts, opens, deletes and finds files by hash; scratch files and deduplication:
docs/uploads.md#storage
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

SCRATCH_PREFIX = ".incoming-"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Storage(Protocol):
    def put(self, sha256: str, source: Path) -> bool:
        """Keep ``source`` as the file for ``sha256`` and remove ``source``; True if new."""

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes, for reading (``FileNotFoundError`` if missing)."""

    def delete(self, sha256: str) -> None:
        """Forget the file (no error if it is already gone)."""

    def exists(self, sha256: str) -> bool: ...


def _checked(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a lower-case hex SHA-256")
    return sha256


class LocalStorage:
    """Files on local disk: ``root/ab/abcdef...``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        sha256 = _checked(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, source: Path) -> bool:
        target = self.path(sha256)
        if target.exists():
            source.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, 0o640)
        os.replace(source, target)
        return True

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def stored_hashes(self) -> Iterator[tuple[str, float]]:
        """Every stored file's hash and modification time (for pruning)."""
        for folder in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for file in folder.iterdir():
                if _SHA256.fullmatch(file.name):
                    yield file.name, file.stat().st_mtime

    def scratch_files(self) -> Iterator[tuple[Path, float]]:
        for file in self.root.glob(f"{SCRATCH_PREFIX}*"):
            yield file, file.stat().st_mtime


def upload_folder() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def storage() -> LocalStorage:
    """The configured backend for this app."""
    root = upload_folder()
    root.mkdir(parents=True, exist_ok=True)
    return LocalStorage(root)


@contextmanager
def scratch_file(suffix: str = "") -> Iterator[Path]:
    """A new empty file in the upload folder, deleted on the way out unless ``put`` took it."""
    handle, name = tempfile.mkstemp(prefix=SCRATCH_PREFIX, suffix=suffix, dir=storage().root)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
