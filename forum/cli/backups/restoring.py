"""``forum backup --check PATH`` and ``forum restore PATH``.

The check reads the whole archive, compares every member with the SHA-256 in its manifest,
restores the database into a scratch database (the unpacked SQLite file itself, after
SQLite's integrity check; or a new PostgreSQL database on the forum's server, dropped
afterwards) and counts the rows of each table against the counts taken with the snapshot.

Restoring replaces the database and the uploads of the instance it runs in; stop the app
servers and workers first. It refuses a damaged archive, and a forum that has posts unless
told to replace it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text

from forum.cli.backups.archive import UPLOADS, Unpacked, unpack
from forum.cli.backups.databases import (
    DATABASE_FILES,
    BackupError,
    check_sqlite,
    load_postgres,
    load_sqlite,
    scratch_postgres,
    snapshot_of,
)
from forum.database import reading
from forum.extensions import db
from forum.uploads.storage import upload_folder


@dataclass
class Checked:
    path: Path
    dialect: str
    created_at: str
    #: Members whose checksum matched; None for the first format, which kept none.
    files: int | None
    #: Table -> (rows restored, rows the manifest lists, or None if it lists none).
    tables: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: The scratch PostgreSQL database restored into (dropped afterwards); "" for SQLite.
    scratch: str = ""


def check(source: Path) -> Checked:
    """Verify the archive at ``source`` and restore its database into a scratch one."""
    with tempfile.TemporaryDirectory(prefix="forum-check-") as work:
        found = unpack(source, Path(work), keep=lambda name: name in DATABASE_FILES.values())
        report = Checked(
            source, found.dialect, str(found.manifest.get("created_at", "")), found.checked
        )
        report.problems += found.problems
        dump = Path(work) / DATABASE_FILES.get(found.dialect, "-")
        restored = _trial_restore(found.dialect, dump, report) if dump.is_file() else {}
    listed = found.manifest.get("tables") or {}
    for table in sorted(set(restored) | set(listed)):
        rows, expected = restored.get(table, 0), listed.get(table)
        report.tables[table] = (rows, expected)
        if expected is not None and rows != expected:
            report.problems.append(
                f"{table}: {rows} rows restored, but the backup recorded {expected}."
            )
    return report


def _trial_restore(dialect: str, dump: Path, report: Checked) -> dict[str, int]:
    if dialect == "sqlite":
        damage = check_sqlite(dump)
        report.problems += damage
        return {} if damage else snapshot_of(f"sqlite:///{dump}").tables
    if db.engine.dialect.name != "postgresql":
        raise BackupError(
            "This is a PostgreSQL backup: check it from a forum configured with PostgreSQL "
            "(the check restores it into a scratch database on that server)."
        )
    with scratch_postgres(db.engine.url) as scratch:
        report.scratch = scratch.database or ""
        load_postgres(dump, scratch, clean=False)
        return snapshot_of(scratch).tables


# Restoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    path: Path
    dialect: str
    posts: int
    uploads: int


def restore(source: Path, *, replace: bool = False) -> Restored:
    """Replace this instance's database and uploads with the backup at ``source``."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="forum-restore-") as work:
        found = unpack(source, Path(work), keep=lambda _name: True)
        _refuse(found, source, dialect)
        if not replace and _live_posts():
            raise BackupError("This forum already has posts; pass --replace to overwrite it.")
        db.session.remove()
        db.engine.dispose()
        dump = Path(work) / DATABASE_FILES[dialect]
        if dialect == "sqlite":
            load_sqlite(dump, db.engine.url.database or "")
        else:
            load_postgres(dump, db.engine.url)
        uploads = _restore_uploads(Path(work) / UPLOADS)
    db.engine.dispose()
    return Restored(source, dialect, int(found.manifest.get("posts", 0)), uploads)


def _refuse(found: Unpacked, source: Path, dialect: str) -> None:
    if found.problems:
        raise BackupError(
            f"{source} is damaged; nothing was restored. " + " ".join(found.problems[:5])
        )
    if found.dialect != dialect:
        raise BackupError(
            f"This backup is of a {found.dialect} database; this forum uses {dialect}. "
            "Restore it into a forum configured with the same kind."
        )


def _live_posts() -> int:
    with reading(), db.engine.connect() as connection:
        if not inspect(connection).has_table("posts"):
            return 0
        return int(connection.scalar(text("SELECT count(*) FROM posts")) or 0)


def _restore_uploads(unpacked: Path) -> int:
    folder = upload_folder()
    if folder.exists():
        shutil.rmtree(folder)
    if not unpacked.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(unpacked, folder)
    return sum(1 for file in folder.rglob("*") if file.is_file())
