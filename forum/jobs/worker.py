"""Background jobs run by ``flask --app wsgi forum worker``.

Each job is a plain function of ``now`` that does what is due and returns a count, so a job
queue (RQ) can later call the same functions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from forum.jobs.mail import deliver_due
from forum.jobs.notifications import send_digests, send_notification_emails
from forum.models import utcnow

log = logging.getLogger(__name__)

#: Name -> job; other features add theirs here.
JOBS: dict[str, Callable[[datetime], int]] = {
    # Notifications queue their emails first, so the mail job sends them in the same run.
    "notifications": send_notification_emails,
    "digests": send_digests,
    "mail": deliver_due,
}


def run_due_jobs(now: datetime | None = None) -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    now = now or utcnow()
    done = {}
    for name, job in JOBS.items():
        try:
            done[name] = job(now)
        except Exception:
            log.exception("job %s failed", name)
            done[name] = 0
    return done


def run_forever(poll_seconds: float, report: Callable[[dict[str, int]], None]) -> None:
    while True:
        report(run_due_jobs())
        time.sleep(poll_seconds)
