"""Write out the library downloads tallied since the last run (services/insight/downloads.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import current_app

from forum.extensions import db
from forum.redis_client import redis_for
from forum.services.insight import downloads


def write_downloads(now: datetime) -> int:
    """Downloads tallied in Redis, or in this process's memory, written as one batch."""
    counts: Counter[downloads.Key] = downloads.TALLY.take()
    client = redis_for(current_app)
    if client is not None:
        counts.update(downloads.take_from_redis(client))
    written = downloads.write_counts(counts)
    db.session.commit()
    return written
