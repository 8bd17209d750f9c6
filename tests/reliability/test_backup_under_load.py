"""A backup taken while twenty members keep replying through a real gunicorn server: no reply
fails, the archive passes ``forum backup --check``, and a restore into a fresh database has the
same rows per table and lets a member sign in. The figures (the backup's time, and the replies'
p99 latency before and during it) are printed, never asserted."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from forum.cli import seeding
from forum.cli.backups.databases import count_rows
from forum.extensions import db
from forum.models import Post, Thread
from tests.conftest import REPO_ROOT
from tests.factories import PASSWORD, make_thread
from tests.reliability.servers import Browser, server_environment
from tests.test_backups import fresh_database_url

pytestmark = pytest.mark.reliability

CLIENTS = 20
THREADS = 5
#: Replies before the backup starts (the baseline), and after it ends.
BASELINE_SECONDS = 8
AFTER_SECONDS = 2
#: A forum of a few years' posting, so the copy takes long enough to overlap many replies.
BENCH = {"users": 200, "threads": 400, "posts": 20_000}
COMMAND_SECONDS = 300


@dataclass(frozen=True)
class Sent:
    body: str
    thread_id: int
    started: float
    seconds: float
    status: int


class Repliers:
    """Each browser replies, one reply after another, until told to stop."""

    def __init__(self, browsers: list[Browser], thread_ids: list[int]) -> None:
        self.browsers, self.thread_ids = browsers, thread_ids
        self.stop = threading.Event()
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self.workers = [threading.Thread(target=self._run, args=(n,)) for n in range(len(browsers))]

    def start(self) -> Repliers:
        for worker in self.workers:
            worker.start()
        return self

    def _run(self, n: int) -> None:
        # Each client keeps to one thread (four clients to a thread). Members replying across
        # threads they all watch deadlock on PostgreSQL while recounting one another's unread
        # notifications (forum/services/notifications/inbox.py, recount_unread), whether or
        # not a backup runs: a fault of its own, not this test's subject.
        thread_id = self.thread_ids[n % len(self.thread_ids)]
        k = 0
        while not self.stop.is_set():
            body = f"Reply {k} from client {n}: our two-week-wait audit."
            started = time.monotonic()
            reply = self.browsers[n].reply_to(thread_id, body)
            with self.lock:
                self.sent.append(
                    Sent(body, thread_id, started, time.monotonic() - started, reply.status)
                )
            k += 1

    def finish(self) -> list[Sent]:
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=120)
        assert not any(worker.is_alive() for worker in self.workers), "a client hung"
        return list(self.sent)


def flask(database_url: str, uploads: Path, *args: str) -> tuple[str, float]:
    """Run ``nice -n 10 flask --app wsgi ARGS`` as the cron line in docs/deploy.md does; its
    output and its time."""
    env = server_environment(database_url, upload_folder=str(uploads))
    started = time.monotonic()
    done = subprocess.run(
        ["nice", "-n", "10", str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout, time.monotonic() - started


def p99(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100)[98] if len(seconds) > 1 else max(seconds)


def counts_in(url: str) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        counts = count_rows(connection)
    engine.dispose()
    return counts


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as opened:
        return json.loads(opened.extractfile("manifest.json").read())


def checked_counts(output: str) -> dict[str, tuple[int, int]]:
    """Rows per table as ``backup --check`` printed them (restored, in the backup)."""
    lines = output.split("rows per table:", 1)[1].splitlines()[2:]
    rows = [line.split() for line in lines if line.startswith("  ") and "empty" not in line]
    return {name: (int(restored), int(recorded)) for name, restored, recorded in rows}


def assert_every_reply_stored_once(sent: list[Sent], thread_ids: list[int]) -> None:
    db.session.commit()
    stored = dict(
        db.session.execute(
            select(Post.body_source, func.count())
            .where(Post.thread_id.in_(thread_ids))
            .group_by(Post.body_source)
        ).all()
    )
    assert all(stored.get(reply.body) == 1 for reply in sent), "a reply is missing or doubled"
    for thread_id in thread_ids:
        numbers = db.session.scalars(
            select(Post.post_number).where(Post.thread_id == thread_id).order_by(Post.post_number)
        ).all()
        assert numbers == list(range(1, len(numbers) + 1)), "post numbers have gaps"
        thread = db.session.get_one(Thread, thread_id)
        assert thread.last_post_number == len(numbers)


def test_a_backup_while_twenty_members_reply(
    app, dialect, start_server, members, browser_for, tmp_path, capsys
):
    seeding.seed_bench(**BENCH, seed=7)
    threads = [make_thread(title=f"Backup drill thread {n}") for n in range(THREADS)]
    thread_ids = [thread.id for thread in threads]
    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "ab01").write_bytes(b"%PDF-1.4 a safety-netting leaflet")
    people = members(CLIENTS)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    server = start_server(workers=3)
    browsers = [browser_for(server, member) for member in people]
    archive = tmp_path / "backups" / "forum-2026-12-07.tar.gz"

    repliers = Repliers(browsers, thread_ids).start()
    time.sleep(BASELINE_SECONDS)
    backup_started = time.monotonic()
    backup_output, backup_seconds = flask(
        url, uploads, "forum", "backup", str(archive), "--keep", "7"
    )
    backup_ended = time.monotonic()
    time.sleep(AFTER_SECONDS)
    sent = repliers.finish()

    # Correctness: every reply acknowledged and stored once.
    assert {reply.status for reply in sent} == {302}, "a reply failed"
    assert_every_reply_stored_once(sent, thread_ids)

    # The archive passes its check, and the check's counts are the snapshot's.
    check_output, check_seconds = flask(url, uploads, "forum", "backup", "--check", str(archive))
    assert "The backup is sound" in check_output
    recorded = manifest_of(archive)["tables"]
    checked = checked_counts(check_output)
    assert checked == {name: (rows, rows) for name, rows in recorded.items() if rows}

    # A restore into a fresh database has the same rows, and a member can sign in.
    fresh = fresh_database_url(app, tmp_path, "drill")
    restored_uploads = tmp_path / "restored-uploads"
    _, restore_seconds = flask(fresh, restored_uploads, "forum", "restore", str(archive))
    assert counts_in(fresh) == recorded
    assert (restored_uploads / "ab" / "ab01").exists()
    before = [reply for reply in sent if reply.started + reply.seconds < backup_started]
    restored_server = start_server(workers=1, database_url=fresh)
    member = Browser(restored_server).sign_in(people[0].email, PASSWORD)
    page = member.get(f"/t/{thread_ids[0]}")
    assert page.status == 200 and "Backup drill thread 0" in page.text

    during = [
        reply
        for reply in sent
        if reply.started < backup_ended and reply.started + reply.seconds > backup_started
    ]
    with capsys.disabled():
        print(
            f"\n[{dialect}] backup of {recorded['posts']} posts: {backup_seconds:.2f} s "
            f"(command), {archive.stat().st_size / 1024 / 1024:.1f} MB; "
            f"check {check_seconds:.2f} s; restore {restore_seconds:.2f} s\n"
            f"[{dialect}] replies before: {len(before)}, p50 "
            f"{statistics.median(r.seconds for r in before) * 1000:.0f} ms, p99 "
            f"{p99([r.seconds for r in before]) * 1000:.0f} ms\n"
            f"[{dialect}] replies during: {len(during)}, p50 "
            f"{statistics.median(r.seconds for r in during) * 1000:.0f} ms, p99 "
            f"{p99([r.seconds for r in during]) * 1000:.0f} ms, slowest "
            f"{max(r.seconds for r in during) * 1000:.0f} ms\n"
            f"[{dialect}] {backup_output.strip()}"
        )
