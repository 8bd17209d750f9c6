"""Read side of the health page: what the database, the worker, the outbox, the review queue
and the backups say about the running forum, and when each is a problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from forum.extensions import db
from forum.models import (
    BackupRecord,
    ModerationItem,
    OutboxMessage,
    OutboxStatus,
    WorkerHeartbeat,
)

#: A backup older than this is a problem: a day's posts would be lost with the server.
BACKUP_MAX_AGE = timedelta(days=1)
#: Email waiting longer than this to leave is a problem (the worker retries within minutes).
QUEUED_MAX_AGE = timedelta(hours=1)
#: A worker is silent when it has not run for this many of its polls, or 5 minutes.
SILENT_POLLS = 10
SILENT_AT_LEAST = timedelta(minutes=5)


@dataclass(frozen=True)
class DatabaseFacts:
    kind: str
    version: str
    #: The revisions the database says it is at (one, unless branches were merged by hand).
    revisions: tuple[str, ...]


def database_facts() -> DatabaseFacts:
    """The database's kind, its server's version and its schema revision."""
    kind = db.engine.dialect.name
    query = "SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version"
    version = str(db.session.scalar(text(query)))
    revisions: tuple[str, ...] = ()
    if inspect(db.session.connection()).has_table("alembic_version"):
        found = db.session.scalars(text("SELECT version_num FROM alembic_version"))
        revisions = tuple(sorted(found))
    return DatabaseFacts(kind, version, revisions)


@lru_cache(maxsize=4)
def schema_heads(directory: str) -> tuple[str, ...]:
    """The newest revisions the code's migrations define (read once per process)."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


# The worker and the outbox ---------------------------------------------------------------


def worker_heartbeats(limit: int = 5) -> Sequence[WorkerHeartbeat]:
    """The hosts whose workers ran most recently, latest first."""
    stmt = select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()).limit(limit)
    return db.session.scalars(stmt).all()


def worker_is_silent(beat: WorkerHeartbeat | None, now: datetime, poll_seconds: float) -> bool:
    """No worker has run, or the latest has not run for many of its polls."""
    if beat is None:
        return True
    return now - beat.beat_at > max(timedelta(seconds=poll_seconds * SILENT_POLLS), SILENT_AT_LEAST)


@dataclass(frozen=True)
class Outbox:
    queued: int = 0
    sending: int = 0
    failed: int = 0
    oldest_queued_at: datetime | None = None
    #: When the queued message longest due became due (a retry waiting out its backoff is
    #: not yet due; one sent again by staff is due from then).
    due_since: datetime | None = None

    def stuck(self, now: datetime) -> bool:
        """A message has been due to leave for over an hour: nothing is sending email."""
        return self.due_since is not None and now - self.due_since > QUEUED_MAX_AGE


def outbox() -> Outbox:
    """Messages waiting, being sent and given up on (sent ones are not counted)."""
    waiting = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED)
    stmt = (
        select(
            OutboxMessage.status,
            func.count(),
            func.min(OutboxMessage.created_at),
            func.min(OutboxMessage.next_attempt_at),
        )
        .where(OutboxMessage.status.in_(waiting))
        .group_by(OutboxMessage.status)
    )
    rows = {row[0]: row[1:] for row in db.session.execute(stmt)}
    queued, oldest, due = rows.get(OutboxStatus.QUEUED, (0, None, None))
    return Outbox(
        queued=queued,
        sending=rows.get(OutboxStatus.SENDING, (0,))[0],
        failed=rows.get(OutboxStatus.FAILED, (0,))[0],
        oldest_queued_at=oldest,
        due_since=due,
    )


# The review queue and the backups --------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    open_items: int
    oldest_at: datetime | None


def review_queue() -> ReviewQueue:
    """Reports and held posts not yet decided, and since when the oldest has waited."""
    stmt = select(func.count(), func.min(ModerationItem.created_at)).where(
        ModerationItem.resolved_at.is_(None)
    )
    count, oldest = db.session.execute(stmt).one()
    return ReviewQueue(int(count), oldest)


def last_backup() -> BackupRecord | None:
    stmt = select(BackupRecord).order_by(BackupRecord.finished_at.desc()).limit(1)
    return db.session.scalars(stmt).first()


def backup_is_stale(record: BackupRecord | None, now: datetime) -> bool:
    return record is None or now - record.finished_at > BACKUP_MAX_AGE


# The whole page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthReport:
    """Every figure of the health page, and the problems among them in words."""

    now: datetime
    database: DatabaseFacts
    heads: tuple[str, ...]
    workers: Sequence[WorkerHeartbeat]
    poll_seconds: float
    outbox: Outbox
    review: ReviewQueue
    join_requests: int
    backup: BackupRecord | None
    #: (stored files, bytes) of uploads.
    storage: tuple[int, int]
    #: ("off" | "on" | "failing", clamd's answer or why not).
    clamd: tuple[str, str]
    #: None when the forum runs without Redis, else "ok" or "unavailable".
    redis: str | None

    @property
    def migrations_current(self) -> bool:
        return self.database.revisions == self.heads

    @property
    def worker(self) -> WorkerHeartbeat | None:
        return self.workers[0] if self.workers else None

    @property
    def worker_silent(self) -> bool:
        return worker_is_silent(self.worker, self.now, self.poll_seconds)

    @property
    def backup_stale(self) -> bool:
        return backup_is_stale(self.backup, self.now)

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(section id, what is wrong) for each problem, most urgent first."""
        outbox = self.outbox
        checks = [
            (
                not self.migrations_current,
                "database",
                "The database is not at the newest migration: run flask db upgrade.",
            ),
            (self.worker_silent, "email", self._worker_problem()),
            (
                outbox.failed > 0,
                "email",
                f"{outbox.failed} email message{'' if outbox.failed == 1 else 's'} failed "
                "and will not be retried unless you retry them.",
            ),
            (outbox.stuck(self.now), "email", "Email has been due to leave for over an hour."),
            (self.backup_stale, "backups", self._backup_problem()),
            (
                self.clamd[0] == "failing",
                "services",
                "Virus scanning is on, but clamd is not answering: uploads are refused.",
            ),
            (self.redis == "unavailable", "services", "Redis is configured but not answering."),
        ]
        return [(section, words) for failing, section, words in checks if failing]

    def _worker_problem(self) -> str:
        if self.worker is None:
            return "No job worker has ever run: email is not being sent."
        return "The job worker has stopped: email is not being sent."

    def _backup_problem(self) -> str:
        if self.backup is None:
            return "No backup has been taken."
        return "The last backup is more than a day old."
