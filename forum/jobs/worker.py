"""Background jobs run by ``flask --app wsgi forum worker``.

Each job is a plain function of ``now`` that does what is due in the database and returns a
count. The database is the queue: every job claims its rows with conditional UPDATEs (or
dedupe keys), so any number of workers, on any hosts, run the same loop and never do a piece
of work twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from forum.extensions import db
from forum.jobs.insight import write_downloads
from forum.jobs.mail import deliver_due
from forum.jobs.membership import forget_leavers
from forum.jobs.notifications import send_digests, send_notification_emails
from forum.jobs.webhooks import deliver_webhooks
from forum.models import utcnow
from forum.policy import SYSTEM
from forum.services.operations import records

log = logging.getLogger(__name__)

#: Name -> job; other features add theirs here.
JOBS: dict[str, Callable[[datetime], int]] = {
    # Notifications queue their emails first, so the mail job sends them in the same run.
    "notifications": send_notification_emails,
    "digests": send_digests,
    "mail": deliver_due,
    "leavers": forget_leavers,
    "webhooks": deliver_webhooks,
    "insight downloads": write_downloads,
}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: When this process first ran its jobs, by process id (a forked child starts afresh).
_started: dict[int, datetime] = {}


def run_due_jobs(now: datetime | None = None) -> dict[str, int]:
    """Run every job once (at ``now``, or each at the time it starts); a failing job is logged
    and does not stop the others."""
    done = {}
    for name, job in JOBS.items():
        try:
            done[name] = job(now or utcnow())
        except Exception:
            log.exception("job %s failed", name)
            done[name] = 0
    _beat(done)
    return done


def describe(done: dict[str, int]) -> str:
    """What one run did, in words: ``notifications: 0 done, mail: 2 done``."""
    return ", ".join(f"{name}: {count} done" for name, count in done.items())


def _beat(done: dict[str, int]) -> None:
    """Write this worker's heartbeat (the health page shows it); a failure only logs."""
    pid = os.getpid()
    try:
        records.record_heartbeat(
            SYSTEM,
            host=socket.gethostname(),
            pid=pid,
            started_at=_started.setdefault(pid, utcnow()),
            last_run=describe(done),
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not write the worker's heartbeat")


def run_until_stopped(poll_seconds: float, report: Callable[[dict[str, int]], None]) -> None:
    """Run the jobs every ``poll_seconds`` until SIGINT or SIGTERM.

    A run in progress finishes first, so a stopped worker leaves no message claimed but unsent;
    a second signal stops at once.
    """
    stop = threading.Event()
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

    def request_stop(signum: int, frame: object) -> None:
        stop.set()
        signal.signal(signum, previous[signum])

    for signum in STOP_SIGNALS:
        signal.signal(signum, request_stop)
    try:
        while not stop.is_set():
            report(run_due_jobs())
            stop.wait(poll_seconds)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
