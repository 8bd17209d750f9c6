"""What the command line and the worker record for the health page: backups and heartbeats."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from forum.extensions import db
from forum.models import BackupRecord, WorkerHeartbeat, utcnow
from forum.policy import Actor, can_record_operations, require
from forum.services.upserts import insert


def record_backup(
    actor: Actor,
    *,
    kind: str,
    path: Path,
    size_bytes: int,
    seconds: float,
    posts: int,
    uploads: int,
) -> BackupRecord:
    """Note a completed backup archive."""
    require(can_record_operations(actor))
    record = BackupRecord(
        kind=kind,
        path=str(path.resolve())[:1000],
        size_bytes=size_bytes,
        seconds=round(seconds, 3),
        posts=posts,
        uploads=uploads,
    )
    db.session.add(record)
    db.session.flush()
    return record


def record_heartbeat(
    actor: Actor, *, host: str, pid: int, started_at: datetime, last_run: str
) -> None:
    """Note that the worker on ``host`` has just run its jobs (one row per host)."""
    require(can_record_operations(actor))
    values = {
        "host": host[:255],
        "pid": pid,
        "beat_at": utcnow(),
        "started_at": started_at,
        "last_run": last_run[:500],
    }
    stmt = insert(WorkerHeartbeat).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[WorkerHeartbeat.host],
        set_={key: stmt.excluded[key] for key in ("pid", "beat_at", "started_at", "last_run")},
    )
    db.session.execute(stmt)
