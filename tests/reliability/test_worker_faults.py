"""Workers dying under write load, and servers told to stop.

``kill -9`` of workers mid-write loses no acknowledged post (a transaction is committed whole
or not at all) and leaves SQLite's file intact; ``TERM`` lets requests in flight finish.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import make_thread
from tests.reliability.conftest import assert_counts_match_rows, bodies_stored

pytestmark = pytest.mark.reliability

WRITERS = 8
REPLIES_EACH = 30
KILLS = 6


def _write_load(browsers, thread_id: int, done: threading.Event) -> dict[str, int | None]:
    """Each writer sends its replies in turn; a dropped connection counts as no answer."""

    def writer(n: int) -> list[tuple[str, int | None]]:
        sent = []
        for k in range(REPLIES_EACH):
            body = f"Write {k} from writer {n}."
            try:
                status: int | None = browsers[n].reply_to(thread_id, body).status
            except (ConnectionError, http.client.HTTPException):
                status = None  # the worker died with the request: not acknowledged
            sent.append((body, status))
        return sent

    with ThreadPoolExecutor(len(browsers)) as pool:
        results = list(pool.map(writer, range(len(browsers))))
    done.set()
    return {body: status for sent in results for body, status in sent}


def _kill_workers(server, done: threading.Event, rng: random.Random) -> int:
    """SIGKILL a random worker every so often while the load runs; gunicorn replaces it."""
    killed = 0
    while killed < KILLS and not done.wait(0.4 + rng.random() * 0.4):
        workers = server.worker_pids()
        if workers:
            try:
                os.kill(rng.choice(workers), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


def test_kill_minus_nine_under_write_load_loses_no_acknowledged_post(
    start_server, members, browser_for, dialect
):
    thread = make_thread(body="Opening post.")
    server = start_server(workers=3)
    browsers = [browser_for(server, member) for member in members(WRITERS)]
    done = threading.Event()
    with ThreadPoolExecutor(1) as killer:
        kills = killer.submit(_kill_workers, server, done, random.Random(7))
        sent = _write_load(browsers, thread.id, done)
        assert kills.result(timeout=120) >= 1

    acknowledged = {body for body, status in sent.items() if status == 302}
    assert {status for status in sent.values()} <= {302, 503, None}
    stored = bodies_stored(thread.id)
    assert all(stored.get(body) == 1 for body in acknowledged), "an acknowledged post was lost"
    assert all(count == 1 for count in stored.values()), "a post was stored twice"
    assert_counts_match_rows(thread.id)
    if dialect == "sqlite":
        path = make_url(server.database_url).database
        with sqlite3.connect(path) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert browsers[0].reply_to(thread.id, "After the storm.").status == 302


@contextmanager
def _holding_the_thread(database_url: str, thread_id: int, dialect: str):
    """Hold the lock a reply needs (SQLite's write lock, or the thread's row lock)."""
    if dialect == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("COMMIT")
            holder.close()
        return
    engine = create_engine(database_url)
    with engine.connect() as connection:
        connection.execute(
            text("SELECT id FROM threads WHERE id = :id FOR NO KEY UPDATE"), {"id": thread_id}
        )
        yield
        connection.commit()
    engine.dispose()


def test_term_lets_requests_in_flight_finish(start_server, members, browser_for, dialect):
    thread = make_thread()
    server = start_server(workers=2)
    browser = browser_for(server, members(1)[0])
    answers: list[int] = []
    with _holding_the_thread(server.database_url, thread.id, dialect):
        in_flight = threading.Thread(
            target=lambda: answers.append(browser.reply_to(thread.id, "Sent before TERM.").status)
        )
        in_flight.start()
        time.sleep(2.0)  # let the request reach the lock it waits for
        server.signal(signal.SIGTERM)
        time.sleep(0.5)
        assert in_flight.is_alive(), "the request finished before TERM arrived"
    in_flight.join(timeout=60)

    assert answers == [302]
    assert server.process.wait(timeout=60) == 0
    assert bodies_stored(thread.id).get("Sent before TERM.") == 1
    assert "Shutting down: Master" in server.log()
