"""``forum backup PATH [--keep N]``: one archive of the database and the uploads, written
whole and then renamed into place, while members go on posting."""

from __future__ import annotations

import os
import re
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app

from forum.cli.backups.archive import FORMAT, MANIFEST, write_archive
from forum.cli.backups.databases import (
    DATABASE_FILES,
    BackupError,
    Snapshot,
    dump_postgres,
    dump_sqlite,
)
from forum.extensions import db
from forum.models import utcnow
from forum.uploads.storage import upload_folder


@dataclass(frozen=True)
class Taken:
    path: Path
    dialect: str
    posts: int
    uploads: int
    size_bytes: int
    seconds: float
    #: Older archives removed by ``--keep``.
    removed: tuple[Path, ...] = ()


def backup(destination: Path, *, keep: int | None = None) -> Taken:
    """Write the database and uploads to ``destination``; with ``keep``, then remove all but
    the newest ``keep`` archives beside it (see ``older_archives``)."""
    dialect = db.engine.dialect.name
    if dialect not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
    started, created_at = time.monotonic(), utcnow()
    db.session.rollback()  # no transaction of ours is open while the database is copied
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    try:
        # The copy is made beside the archive: the space the administrator chose for it.
        with tempfile.TemporaryDirectory(prefix=".forum-backup-", dir=destination.parent) as work:
            dump = Path(work) / DATABASE_FILES[dialect]
            snapshot = _dump(dialect, dump)
            manifest = write_archive(
                partial, dump, upload_folder(), _manifest(dialect, snapshot, created_at)
            )
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    removed = tuple(_remove(older_archives(destination, keep))) if keep else ()
    return Taken(
        path=destination,
        dialect=dialect,
        posts=snapshot.posts,
        uploads=manifest["uploads"],
        size_bytes=destination.stat().st_size,
        seconds=time.monotonic() - started,
        removed=removed,
    )


def _dump(dialect: str, target: Path) -> Snapshot:
    if dialect == "sqlite":
        busy_timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        return dump_sqlite(db.engine.url.database or "", target, busy_timeout)
    return dump_postgres(db.engine, target)


def _manifest(dialect: str, snapshot: Snapshot, created_at: datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "dialect": dialect,
        "schema_revisions": snapshot.revisions,
        "posts": snapshot.posts,
        "tables": snapshot.tables,
        "created_at": created_at.isoformat(timespec="seconds"),
    }


# --keep -----------------------------------------------------------------------------------


def name_pattern(name: str) -> re.Pattern[str] | None:
    """Names that differ from ``name`` only in their runs of digits (a date or time stamp):
    ``forum-2026-12-07.tar.gz`` matches ``forum-2026-12-06.tar.gz``. None without digits."""
    if not re.search(r"\d", name):
        return None
    return re.compile(re.sub(r"\d+", lambda _: r"\d+", re.escape(name)))


def older_archives(destination: Path, keep: int) -> list[Path]:
    """Forum backups beside ``destination`` named like it, beyond the newest ``keep``
    (``destination`` counting as the newest). Other files are never touched."""
    pattern = name_pattern(destination.name)
    if pattern is None:
        return []
    others = [
        path
        for path in destination.parent.iterdir()
        if path.name != destination.name
        and pattern.fullmatch(path.name)
        and path.is_file()
        and not path.is_symlink()
        and _is_forum_backup(path)
    ]
    others.sort(key=lambda path: (path.stat().st_mtime, path.name), reverse=True)
    return others[max(keep - 1, 0) :]


def _is_forum_backup(path: Path) -> bool:
    """Its first member is a database dump (or, in the first format, the manifest)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            first = archive.next()
    except (tarfile.TarError, OSError, EOFError):
        return False
    return first is not None and first.name in (*DATABASE_FILES.values(), MANIFEST)


def _remove(paths: list[Path]) -> list[Path]:
    for path in paths:
        path.unlink(missing_ok=True)
    return paths
