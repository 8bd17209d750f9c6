"""The whole forum in one file, and back: ``forum backup PATH`` and ``forum restore PATH``.

The archive is a gzipped tar holding ``manifest.json`` (format, database kind, schema
revision, post count, time), the database and every uploaded file:

- SQLite: ``database.sqlite3``, taken with SQLite's online backup API, so it is a consistent
  copy even while the forum is serving and writing.
- PostgreSQL: ``database.pgdump``, from ``pg_dump -Fc`` (a consistent snapshot too), restored
  with ``pg_restore``. The client tools must be installed beside the app.
- ``uploads/...``: the files under ``UPLOAD_FOLDER`` (default ``instance/uploads``).

Restoring replaces the database and the uploads of the instance it runs in; stop the app
servers and workers first. It refuses to overwrite a forum that has posts unless told to.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from forum.extensions import db
from forum.models import Post, utcnow
from forum.uploads.storage import upload_folder

FORMAT = "forum-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    dialect: str
    posts: int
    uploads: int


def _url() -> URL:
    return db.engine.url


def _post_count() -> int:
    if "posts" not in inspect(db.engine).get_table_names():
        return 0
    return db.session.scalar(select(func.count()).select_from(Post)) or 0


def _schema_revisions() -> list[str]:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return []
    return sorted(db.session.scalars(text("SELECT version_num FROM alembic_version")))


# Backing up -------------------------------------------------------------------------------


def backup(destination: Path) -> Summary:
    """Write the database and uploads to ``destination`` (written whole, then renamed)."""
    dialect = db.engine.dialect.name
    if dialect not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
    manifest = {
        "format": FORMAT,
        "dialect": dialect,
        "schema_revisions": _schema_revisions(),
        "posts": _post_count(),
        "created_at": utcnow().isoformat(timespec="seconds"),
    }
    db.session.rollback()  # no transaction of ours holds the database while it is copied
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="forum-backup-") as work:
        dump = Path(work) / DATABASE_FILES[dialect]
        if dialect == "sqlite":
            _dump_sqlite(dump)
        else:
            _dump_postgres(dump)
        uploads = _write_archive(partial, manifest, dump)
    os.replace(partial, destination)
    return Summary(destination, dialect, manifest["posts"], uploads)


def _dump_sqlite(target: Path) -> None:
    source = sqlite3.connect(_url().database or "")
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _dump_postgres(target: Path) -> None:
    _run_pg_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])


def _write_archive(path: Path, manifest: dict[str, Any], dump: Path) -> int:
    manifest_file = dump.with_name(MANIFEST)
    manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    uploads = 0
    with tarfile.open(path, "w:gz") as archive:
        archive.add(manifest_file, arcname=MANIFEST)
        archive.add(dump, arcname=dump.name)
        folder = upload_folder()
        for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if file.is_file():
                archive.add(file, arcname=f"{UPLOADS}/{file.relative_to(folder).as_posix()}")
                uploads += 1
    return uploads


# Restoring --------------------------------------------------------------------------------


def restore(source: Path, *, replace: bool = False) -> Summary:
    """Replace this instance's database and uploads with the backup at ``source``."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="forum-restore-") as work:
        manifest = _unpack(source, Path(work))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source} is not a forum backup (no {FORMAT} manifest).")
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"This backup is of a {manifest['dialect']} database; this forum uses "
                f"{dialect}. Restore it into a forum configured with the same kind."
            )
        if not replace and _post_count():
            raise BackupError("This forum already has posts; pass --replace to overwrite it.")
        db.session.remove()
        db.engine.dispose()
        dump = Path(work) / DATABASE_FILES[dialect]
        if dialect == "sqlite":
            _load_sqlite(dump)
        else:
            _load_postgres(dump)
        uploads = _restore_uploads(Path(work) / UPLOADS)
    db.engine.dispose()
    return Summary(source, dialect, int(manifest.get("posts", 0)), uploads)


def _unpack(source: Path, work: Path) -> dict[str, Any]:
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    try:
        with tarfile.open(source, "r:*") as archive:
            archive.extractall(work, filter="data")
        return json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (tarfile.TarError, OSError, ValueError) as error:
        raise BackupError(f"{source} is not a readable forum backup: {error}") from error


def _load_sqlite(dump: Path) -> None:
    target = Path(_url().database or "")
    target.parent.mkdir(parents=True, exist_ok=True)
    source, live = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        with live:
            source.backup(live)
    finally:
        live.close()
        source.close()


def _load_postgres(dump: Path) -> None:
    _run_pg_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ]
    )


def _restore_uploads(unpacked: Path) -> int:
    folder = upload_folder()
    if folder.exists():
        shutil.rmtree(folder)
    if not unpacked.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(unpacked, folder)
    return sum(1 for file in folder.rglob("*") if file.is_file())


def _run_pg_tool(command: list[str]) -> None:
    """Run pg_dump or pg_restore against this app's database (the password via PGPASSWORD)."""
    url = _url()
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    connection = [f"--dbname={url.database}"]
    connection += [f"--host={url.host}"] if url.host else []
    connection += [f"--port={url.port}"] if url.port else []
    connection += [f"--username={url.username}"] if url.username else []
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run([*command, *connection], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
