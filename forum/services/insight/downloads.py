"""Library downloads counted without a write on every download: tallied, then written in batches.

With Redis (``FORUM_REDIS_URL``) every web process adds to one hash (``HINCRBY``, no database
write) and the worker writes the hash out each run. Without Redis each process keeps its
own tally in memory and writes it out itself once ``INSIGHT_DOWNLOAD_BATCH`` downloads have
gathered or ``INSIGHT_DOWNLOAD_SECONDS`` have passed (a process that stops loses at most one
batch). Downloads of files that are not a library resource's are dropped when written.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from datetime import date

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import select

from forum.extensions import db
from forum.models import InsightDownload, ResourceVersion
from forum.services import upserts

log = logging.getLogger(__name__)

REDIS_KEY = "forum:insight:downloads"
Key = tuple[str, int, str]


class Tally:
    """Downloads counted in this process and not yet written."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[Key] = Counter()
        self.since = time.monotonic()

    def add(self, key: Key) -> None:
        with self.lock:
            self.counts[key] += 1

    def due(self, batch: int, seconds: float) -> bool:
        pending = sum(self.counts.values())
        return pending >= batch or bool(pending and time.monotonic() - self.since >= seconds)

    def take(self) -> Counter[Key]:
        with self.lock:
            taken, self.counts, self.since = self.counts, Counter(), time.monotonic()
        return taken


TALLY = Tally()


def _field(key: Key) -> str:
    return f"{key[0]}|{key[1]}|{key[2]}"


def _key(field: bytes | str) -> Key:
    text = field.decode() if isinstance(field, bytes) else field
    day, attachment_id, alliance = text.split("|", 2)
    return day, int(attachment_id), alliance


def count_download(attachment_id: int, alliance: str, day: date, client: Redis | None) -> None:
    """Count one download of a stored file by a member of ``alliance``."""
    key = (day.isoformat(), attachment_id, alliance)
    if client is not None:
        try:
            client.hincrby(REDIS_KEY, _field(key), 1)
            return
        except RedisError as error:
            log.warning("download not tallied in Redis (%s); kept in memory", type(error).__name__)
    TALLY.add(key)


def take_from_redis(client: Redis) -> Counter[Key]:
    """Move the shared hash aside atomically (RENAME) and read it: each count is taken once."""
    aside = f"{REDIS_KEY}:{uuid.uuid4().hex}"
    try:
        client.rename(REDIS_KEY, aside)
    except RedisError:  # no such key: nothing tallied since the last run
        return Counter()
    counts = Counter({_key(f): int(n) for f, n in client.hgetall(aside).items()})
    client.delete(aside)
    return counts


def write_counts(counts: Counter[Key]) -> int:
    """Add ``counts`` to ``insight_downloads`` (flushes; the caller commits)."""
    ids = sorted({attachment_id for _, attachment_id, _ in counts})
    if not ids:
        return 0
    stmt = select(ResourceVersion.attachment_id, ResourceVersion.resource_id).where(
        ResourceVersion.attachment_id.in_(ids)
    )
    resource_of = {attachment: resource for attachment, resource in db.session.execute(stmt)}
    totals: Counter[tuple[str, int, str]] = Counter()
    for (day, attachment_id, alliance), n in counts.items():
        if attachment_id in resource_of:
            totals[(day, resource_of[attachment_id], alliance)] += n
    for (day, resource_id, alliance), n in sorted(totals.items()):
        insert = upserts.insert(InsightDownload).values(
            day=date.fromisoformat(day), resource_id=resource_id, alliance=alliance, downloads=n
        )
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=["day", "resource_id", "alliance"],
                set_={"downloads": InsightDownload.downloads + insert.excluded.downloads},
            )
        )
    db.session.flush()
    return sum(totals.values())
