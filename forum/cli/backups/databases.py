"""The database half of a backup, per kind: a consistent copy taken while the forum writes,
loaded back, restored into a scratch database, and its rows counted table by table.

- SQLite: the online backup API, from a connection that holds one read transaction for the
  whole copy. In WAL mode a reader never blocks writers, and holding the snapshot means the
  copy never restarts when they commit (a backup that re-read its snapshot each step would
  start again after every reply). The WAL grows meanwhile; the next checkpoint takes it back.
- PostgreSQL: ``pg_dump -Fc`` of a snapshot exported by a REPEATABLE READ transaction, which
  counts the rows of the same snapshot; ``pg_restore`` loads it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

from forum.extensions import db

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: SQLite pages copied per step of the online backup (4 MB with 4 KB pages).
STEP_PAGES = 1024


class BackupError(Exception):
    """The backup, check or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What one consistent view of the database held."""

    tables: dict[str, int]
    revisions: list[str]

    @property
    def posts(self) -> int:
        return self.tables.get("posts", 0)


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows in each of the forum's tables that the database has, by table name."""
    existing = set(inspect(connection).get_table_names())
    names = sorted(table.name for table in db.metadata.sorted_tables if table.name in existing)
    if not names:
        return {}
    union = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in names)
    return {name: int(rows) for name, rows in connection.execute(text(union))}


def _revisions(connection: Connection) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    return sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))


def snapshot_of(url: URL | str) -> Snapshot:
    """Count the rows of a database nothing else is using (a copy, a scratch database)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return Snapshot(count_rows(connection), _revisions(connection))
    finally:
        engine.dispose()


# SQLite -----------------------------------------------------------------------------------


def dump_sqlite(database: str, target: Path, busy_timeout_ms: int) -> Snapshot:
    """Copy the live database file to ``target`` without ever taking its write lock."""
    source = sqlite3.connect(database, timeout=busy_timeout_ms / 1000, isolation_level=None)
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN")  # deferred: a read transaction, begun by the first read
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(copy, pages=STEP_PAGES)
        source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy the SQLite database {database}: {error}") from error
    finally:
        copy.close()
        source.close()
    return snapshot_of(f"sqlite:///{target}")


def check_sqlite(path: Path) -> list[str]:
    """SQLite's own integrity check of a restored file: problems, or none."""
    connection = sqlite3.connect(path)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [f"The database file is damaged: {error}."]
    finally:
        connection.close()
    return [] if rows == ["ok"] else [f"SQLite integrity check: {row}" for row in rows[:20]]


def load_sqlite(dump: Path, database: str) -> None:
    """Replace the database file's contents with the dump's."""
    target = Path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    source, live = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        with live:
            source.backup(live)
    finally:
        live.close()
        source.close()


# PostgreSQL -------------------------------------------------------------------------------


def dump_postgres(engine: Engine, target: Path) -> Snapshot:
    """pg_dump one exported snapshot, and count that snapshot's rows."""
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        exported = connection.scalar(text("SELECT pg_export_snapshot()"))
        snapshot = Snapshot(count_rows(connection), _revisions(connection))
        run_pg_tool(
            ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={exported}"],
            engine.url,
            f"--file={target}",
        )
        connection.rollback()
    return snapshot


def load_postgres(dump: Path, url: URL, *, clean: bool = True) -> None:
    """pg_restore the dump into the database at ``url``, in one transaction."""
    options = ["--clean", "--if-exists"] if clean else []
    run_pg_tool(
        [
            "pg_restore",
            *options,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ],
        url,
        str(dump),
    )


@contextmanager
def scratch_postgres(url: URL) -> Iterator[URL]:
    """A new empty database on the same server, dropped afterwards."""
    name = f"forum_check_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:
        admin.dispose()
        raise BackupError(
            f"Could not create a scratch database to restore into ({error}); the database "
            "user needs the CREATEDB privilege."
        ) from error
    try:
        yield url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run_pg_tool(command: list[str], url: URL, *arguments: str) -> None:
    """Run pg_dump or pg_restore against ``url`` (the password via PGPASSWORD)."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    connection = [f"--dbname={url.database}"]
    connection += [f"--host={url.host}"] if url.host else []
    connection += [f"--port={url.port}"] if url.port else []
    connection += [f"--username={url.username}"] if url.username else []
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(
        [*command, *connection, *arguments], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
