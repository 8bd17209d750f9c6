"""The health page (/admin/health): each figure against the real state it reports, problems in
words, retrying failed email, and 404 for everyone but admins."""

from __future__ import annotations

import os
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from forum.extensions import db
from forum.jobs import worker
from forum.models import (
    AuditEntry,
    BackupRecord,
    OutboxMessage,
    OutboxStatus,
    WorkerHeartbeat,
    utcnow,
)
from forum.policy import SYSTEM
from forum.queries import health
from forum.services.operations import records
from forum.text.sizes import filesize
from tests.factories import (
    make_admin,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    sign_in,
    uploaded_file,
)
from tests.test_clamd import fake_clamd, socket_of  # noqa: F401 - the fixture

URL = "/admin/health"


@pytest.fixture
def admin_client(client: FlaskClient) -> FlaskClient:
    sign_in(client, make_admin(name="Alex Admin"))
    return client


def page(client: FlaskClient) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())


def summary(html: str) -> str:
    return html.split('id="summary-title"', 1)[1].split("</section>", 1)[0]


def message(status: str = OutboxStatus.QUEUED, *, age: timedelta = timedelta(0)) -> int:
    db.session.commit()  # end a read that began before a request wrote
    created = utcnow() - age
    row = OutboxMessage(
        to_address="asha@example.org",
        subject="A reply to your thread",
        text_body="Hello",
        status=status,
        created_at=created,
        next_attempt_at=created,
        last_error="SMTPRecipientsRefused: 550" if status == OutboxStatus.FAILED else "",
        attempts=5 if status == OutboxStatus.FAILED else 0,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def backup_taken(age: timedelta, path: str = "/var/backups/forum/forum-2026-12-06.tar.gz") -> None:
    db.session.commit()
    records.record_backup(
        SYSTEM, kind="sqlite", path=Path(path), size_bytes=3 * 1024 * 1024, seconds=1.25,
        posts=120, uploads=4,
    )  # fmt: skip
    db.session.execute(update(BackupRecord).values(finished_at=utcnow() - age))
    db.session.commit()


def worker_ran(age: timedelta = timedelta(0)) -> None:
    db.session.commit()
    worker.run_due_jobs()
    db.session.execute(update(WorkerHeartbeat).values(beat_at=utcnow() - age))
    db.session.commit()


# Who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_the_page_and_its_action_do_not_exist_for_members_and_moderators(client, role):
    sign_in(client, make_moderator() if role == "moderator" else make_user())
    assert client.get(URL).status_code == 404
    assert client.post(f"{URL}/retry-mail").status_code == 404
    assert "Health" not in client.get("/").get_data(as_text=True).split("</header>")[0]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_admins_find_it_in_the_staff_navigation(admin_client):
    overview = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/health"' in overview
    assert 'href="/admin/health" aria-current="page">Health' in admin_client.get(URL).get_data(
        as_text=True
    )


# Each figure ------------------------------------------------------------------------------


def test_the_database_kind_version_and_current_migration(admin_client):
    html = page(admin_client)
    facts = health.database_facts()
    kind = "PostgreSQL" if facts.kind == "postgresql" else "SQLite"
    assert f"<dt>Kind</dt><dd>{kind} {facts.version}</dd>" in html
    assert re.search(r"\d+\.\d+", facts.version)
    assert "<strong>Current</strong>: at revision" in html
    assert facts.revisions == health.schema_heads(str(Path("forum/migrations").resolve()))


def test_a_database_behind_the_code_is_a_problem(admin_client):
    db.session.commit()
    (head,) = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    db.session.commit()
    try:
        html = page(admin_client)
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()
    assert "<strong>Problem: not current.</strong> The database is at revision 0015" in html
    assert "not at the newest migration" in summary(html)


def test_no_worker_seen_is_said_plainly(admin_client):
    html = page(admin_client)
    assert "<strong>Problem: no worker seen.</strong> Email only leaves" in html
    assert "No job worker has ever run: email is not being sent." in summary(html)


def test_a_running_worker_shows_its_host_and_when_it_last_ran(admin_client):
    worker_ran()
    html = page(admin_client)
    assert "<strong>Running.</strong> It last ran" in html
    assert f"<code>{socket.gethostname()}</code>" in html
    assert "worker" not in summary(html).lower()


def test_a_worker_silent_for_an_hour_has_stopped(admin_client):
    worker_ran(age=timedelta(hours=1))
    html = page(admin_client)
    assert "<strong>Problem: stopped.</strong> It last ran" in html
    assert "The job worker has stopped" in summary(html)


def test_workers_on_other_hosts_are_listed_under_the_latest(admin_client):
    worker_ran()
    db.session.add(
        WorkerHeartbeat(host="forum-app-2", pid=4242, beat_at=utcnow() - timedelta(minutes=2),
                        started_at=utcnow() - timedelta(days=1))
    )  # fmt: skip
    db.session.commit()
    html = page(admin_client)
    assert "<strong>Running.</strong>" in html
    assert "<dt>Other workers</dt>" in html and "<code>forum-app-2</code>: last ran" in html


def test_the_worker_writes_one_heartbeat_per_host_each_run(app):
    worker.run_due_jobs()
    first = db.session.scalars(select(WorkerHeartbeat)).one()
    started, beat = first.started_at, first.beat_at
    db.session.commit()
    worker.run_due_jobs()
    again = db.session.scalars(select(WorkerHeartbeat)).one()
    assert again.host == socket.gethostname()
    assert again.beat_at >= beat and again.started_at == started
    assert "mail: 0 done" in again.last_run


def test_the_outbox_counts_queued_and_failed_and_the_oldest_waiting(admin_client):
    worker_ran()
    message(age=timedelta(minutes=5))
    message(age=timedelta(minutes=2))
    message(OutboxStatus.SENT)
    message(OutboxStatus.FAILED)
    html = page(admin_client)
    assert "<dt>Waiting to be sent</dt><dd> 2 messages, the oldest queued" in html
    assert "5 min ago" in html.split("Waiting to be sent", 1)[1].split("</dd>", 1)[0]
    assert "<strong>Problem: 1 message failed</strong>" in html
    assert "1 email message failed and will not be retried" in summary(html)
    assert "Retry 1 failed message</button>" in html


def test_email_due_for_over_an_hour_is_a_problem(admin_client):
    message(age=timedelta(hours=2))
    html = page(admin_client)
    assert "Problem: a message has been due to leave for over an hour." in html
    assert "Email has been due to leave for over an hour." in summary(html)


def test_a_retry_waiting_out_its_backoff_is_not_stuck(admin_client):
    waiting = message(age=timedelta(hours=3))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == waiting)
        .values(next_attempt_at=utcnow() + timedelta(minutes=30))
    )
    db.session.commit()
    html = page(admin_client)
    assert "1 message, the oldest queued" in html and "3 hours ago" in html
    assert "due to leave" not in html


def test_retrying_failed_messages_queues_them_again_and_is_audited(app, admin_client):
    three_hours = timedelta(hours=3)
    failed = [message(OutboxStatus.FAILED, age=three_hours) for _ in range(2)]
    sent = message(OutboxStatus.SENT)
    response = admin_client.post(f"{URL}/retry-mail")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/health#email"
    db.session.commit()
    rows = {m.id: m for m in db.session.scalars(select(OutboxMessage))}
    assert [rows[i].status for i in failed] == [OutboxStatus.QUEUED] * 2
    assert all(rows[i].attempts == 0 and rows[i].last_error == "" for i in failed)
    assert rows[sent].status == OutboxStatus.SENT
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "mail.retry_failed")
    ).one()
    assert (entry.action, entry.after, entry.actor_name) == (
        "mail.retry_failed",
        {"messages": 2},
        "Alex Admin",
    )
    html = page(admin_client)
    assert "2 failed messages queued again: the job worker sends them" in html
    assert "Retry" not in html  # nothing failed any more
    assert "due to leave" not in html  # due from now, though queued long ago


def test_retrying_when_nothing_failed_says_so_and_records_nothing(admin_client):
    admin_client.post(f"{URL}/retry-mail")
    assert "There were no failed messages to send again." in page(admin_client)
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "mail.retry_failed")
    ).all()


def test_retrying_needs_the_forms_csrf_token(app, admin_client):
    message(OutboxStatus.FAILED)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin_client.post(f"{URL}/retry-mail").status_code == 400
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.FAILED


def test_the_review_queue_and_join_requests_waiting(admin_client):
    thread = make_thread()
    reported_post(make_reply(thread))
    reported_post(make_reply(thread))
    html = page(admin_client)
    assert "2 reports or held posts to decide</a>; the oldest since" in html
    assert "0 waiting</a>" in html


def test_upload_storage_used(admin_client):
    uploaded_file(make_user())
    db.session.commit()
    files, size = db.session.execute(text("SELECT count(*), sum(size) FROM stored_files")).one()
    html = page(admin_client)
    assert files == 1
    assert f'<a href="/admin/uploads">1 file, {filesize(size)}</a>' in html


def test_no_backup_is_a_problem(admin_client):
    html = page(admin_client)
    assert "<strong>Problem: no backup has been taken.</strong>" in html
    assert "No backup has been taken." in summary(html)


def test_the_last_backup_shows_when_its_size_and_where(admin_client):
    backup_taken(timedelta(days=3), "/var/backups/forum/forum-2026-12-04.tar.gz")
    backup_taken(timedelta(hours=3))
    html = page(admin_client)
    assert "Taken <time" in html and "3 hours ago" in html
    assert "3.0 MB, 120 posts and 4 uploaded files, in 1.2 s." in html
    assert "/var/backups/forum/forum-2026-12-06.tar.gz" in html
    assert "forum-2026-12-04" not in html
    assert "backup" not in summary(html).lower()


def test_a_backup_older_than_a_day_is_a_problem(admin_client):
    backup_taken(timedelta(days=1, minutes=5))
    html = page(admin_client)
    assert "<strong>Problem: more than a day old.</strong> Taken" in html
    assert "The last backup is more than a day old." in summary(html)


def test_clamd_not_configured_answering_and_not_answering(app, admin_client, fake_clamd):  # noqa: F811
    assert "Not configured: uploads are not virus-scanned" in page(admin_client)
    app.config["CLAMD_SOCKET"] = socket_of(fake_clamd)
    assert "<strong>Answering</strong>: <code>ClamAV 1.0.0/27000/Fake" in page(admin_client)
    app.config["CLAMD_SOCKET"] = str(Path(socket_of(fake_clamd)).with_name("gone.sock"))
    html = page(admin_client)
    assert "<strong>Problem: configured but not answering</strong>" in html
    assert "clamd is not answering: uploads are refused" in summary(html)


def test_redis_not_configured_and_not_answering(app: Flask, admin_client):
    assert "Not configured: rate limits are counted by each app process" in page(admin_client)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    html = page(admin_client)
    assert "<strong>Problem: configured but not answering.</strong>" in html
    assert "Redis is configured but not answering." in summary(html)


def test_redis_answering(app: Flask, admin_client):
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FORUM_TEST_REDIS_URL to check the page against a real Redis")
    app.config["REDIS_URL"] = url
    assert "<dt>Redis</dt><dd> <strong>Answering.</strong>" in page(admin_client)


def test_all_well_says_there_are_no_problems(admin_client):
    worker_ran()
    backup_taken(timedelta(hours=1))
    html = page(admin_client)
    assert "<strong>No problems.</strong>" in html
    assert "Problem" not in html
