"""Running the forum: the record of backups taken and each job worker's last heartbeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, utcnow


class BackupRecord(Base):
    """One successful ``forum backup``, written when its archive is complete."""

    __tablename__ = "backup_records"
    __table_args__ = (Index("ix_backup_records_finished_at", "finished_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The database kind the archive holds: ``sqlite`` or ``postgresql``.
    kind: Mapped[str] = mapped_column(String(20))
    #: The archive's absolute path on the host that took it.
    path: Mapped[str] = mapped_column(String(1000))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float]
    posts: Mapped[int] = mapped_column(default=0)
    uploads: Mapped[int] = mapped_column(default=0)


class WorkerHeartbeat(Base):
    """The last run of the job worker on one host (``forum worker`` writes it each run)."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One row per host, not per process (a row per restart would grow without end).
    host: Mapped[str] = mapped_column(String(255), unique=True)
    pid: Mapped[int]
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What the last run did, e.g. ``mail: 2 done, digests: 0 done``.
    last_run: Mapped[str] = mapped_column(String(500), default="")
