"""Background jobs on RQ workers, when ``REDIS_URL`` is set.

``forum worker`` then runs an RQ worker on the ``forum`` queue, plus a scheduler thread that
enqueues each job of ``forum/jobs/worker.py``'s ``JOBS`` every ``WORKER_POLL_SECONDS``. A lock in
Redis lets only one scheduler enqueue each tick, however many worker processes run; jobs are
idempotent anyway (rows are claimed, digests deduplicated), so an overlap costs nothing but
time. Plain ``rq worker forum`` processes can take jobs too: ``run_job`` builds the app itself
when no app context is active.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cache

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker

from forum.models import utcnow

log = logging.getLogger(__name__)

QUEUE_NAME = "forum"
#: Longest a job may run before RQ stops it.
JOB_TIMEOUT = 600


def connect(url: str) -> Redis:
    """A connection for RQ: no short socket timeout, as workers block waiting for jobs."""
    return Redis.from_url(url)


def queue_for(redis: Redis, name: str | None = None) -> Queue:
    return Queue(name or QUEUE_NAME, connection=redis)


@cache
def _standalone_app() -> Flask:
    from forum import create_app

    return create_app()


def run_job(name: str) -> int:
    """RQ's entry point: run the job called ``name`` with a database session of its own."""
    from forum.jobs import worker

    app = current_app._get_current_object() if has_app_context() else _standalone_app()  # type: ignore[attr-defined]
    with app.app_context():
        return worker.JOBS[name](utcnow())


def schedule(redis: Redis, queue: Queue, names: list[str], period_seconds: float) -> list[str]:
    """Enqueue the jobs no other scheduler enqueued within the last ``period_seconds``."""
    enqueued = []
    lock_ms = max(int(period_seconds * 1000) - 100, 100)
    for name in names:
        if redis.set(f"{queue.name}:scheduled:{name}", "1", nx=True, px=lock_ms):
            queue.enqueue(run_job, name, result_ttl=0, job_timeout=JOB_TIMEOUT)
            enqueued.append(name)
    return enqueued


def work_once(redis: Redis, queue: Queue, names: list[str]) -> int:
    """Enqueue every job now and run the queue empty (``forum worker --once``, tests)."""
    for name in names:
        queue.enqueue(run_job, name, result_ttl=0, job_timeout=JOB_TIMEOUT)
    worker = SimpleWorker([queue], connection=redis)
    worker.work(burst=True, logging_level="WARNING")
    return len(names)


def serve(
    redis: Redis, queue: Queue, names: list[str], poll_seconds: float, stop: threading.Event
) -> None:
    """Schedule jobs from a thread and run them on an RQ worker until stopped (Ctrl-C)."""
    ticker = threading.Thread(
        target=_tick_forever,
        args=(redis, queue, names, poll_seconds, stop),
        name="job-scheduler",
        daemon=True,
    )
    ticker.start()
    try:
        SimpleWorker([queue], connection=redis).work(logging_level="WARNING")
    finally:
        stop.set()


def _tick_forever(
    redis: Redis, queue: Queue, names: list[str], poll_seconds: float, stop: threading.Event
) -> None:
    while not stop.is_set():
        _safely(lambda: schedule(redis, queue, names, poll_seconds))
        stop.wait(poll_seconds)


def _safely(action: Callable[[], object]) -> None:
    try:
        action()
    except Exception:
        log.exception("scheduling background jobs failed; retrying next tick")
