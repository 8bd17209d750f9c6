"""The email foundation: the outbox, delivery over real SMTP, retries, no double sending."""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import timedelta

from sqlalchemy import select

from config import Config
from forum.extensions import db
from forum.jobs.mail import deliver_due, retry_delay
from forum.models import OutboxMessage, utcnow
from forum.services.mail import queue_email
from tests.mail_server import html_of, text_of


def _queue(to: str = "someone@example.org", **kwargs) -> OutboxMessage:
    message = queue_email(to, "Your password reset request", "reset_no_account", email=to, **kwargs)
    return message


def _outbox() -> list[OutboxMessage]:
    db.session.commit()  # end the test's read snapshot: see what the deliverers wrote
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_queued_mail_is_sent_after_commit_with_text_and_html_parts(app, smtp_server):
    smtp_server.configure(app)
    _queue(headers={"List-Unsubscribe": "<https://forum.example/unsubscribe>"})
    assert smtp_server.messages == []  # nothing leaves before the commit
    db.session.commit()

    message = smtp_server.last_to("someone@example.org")
    assert message["Subject"] == "Your password reset request"
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["List-Unsubscribe"] == "<https://forum.example/unsubscribe>"
    assert "no active account uses this address" in text_of(message)
    assert "<p>" in html_of(message)
    [row] = _outbox()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(app, smtp_server):
    smtp_server.configure(app)
    _queue()
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []
    assert _outbox() == []


def test_a_dedupe_key_queues_a_message_once(app, smtp_server):
    smtp_server.configure(app)
    assert _queue(dedupe_key="digest:1:2026-01-01") is not None
    assert _queue(dedupe_key="digest:1:2026-01-01") is None
    db.session.commit()
    assert len(smtp_server.messages) == 1


def test_a_message_is_never_sent_twice(app, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    for n in range(6):
        _queue(f"person{n}@example.org")
    db.session.commit()
    assert smtp_server.messages == []

    sent = []

    def deliver() -> None:
        with app.app_context():
            sent.append(deliver_due())

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 6
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"person{n}@example.org" for n in range(6)
    ]
    assert deliver_due() == 0
    assert len(smtp_server.messages) == 6


def test_a_temporary_failure_is_retried_later_with_backoff(app, smtp_server):
    smtp_server.configure(app)
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    _queue()
    db.session.commit()
    [row] = _outbox()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "451" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)

    smtp_server.refuse_with = None
    assert deliver_due() == 0  # not due yet
    assert deliver_due(now=utcnow() + timedelta(minutes=2)) == 1
    [row] = _outbox()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(smtp_server.messages) == 1


def test_a_permanent_refusal_is_not_retried(app, smtp_server):
    smtp_server.configure(app)
    smtp_server.refuse_with = "550 5.1.1 No such user"
    _queue()
    db.session.commit()
    [row] = _outbox()
    assert row.status == "failed"
    assert "550" in row.last_error


def test_an_unreachable_server_is_retried_then_given_up(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port + 0, MAIL_MAX_ATTEMPTS=2)
    smtp_server.refuse_with = "421 4.3.2 Service not available"
    _queue()
    db.session.commit()
    assert _outbox()[0].status == "queued"
    deliver_due(now=utcnow() + timedelta(hours=1))
    [row] = _outbox()
    assert (row.status, row.attempts) == ("failed", 2)


def test_backoff_doubles_up_to_six_hours():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_message_interrupted_mid_send_is_not_sent_again(app, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    message = _queue()
    message.status, message.claimed_at = "sending", utcnow() - timedelta(hours=1)
    db.session.commit()
    assert deliver_due() == 0
    [row] = _outbox()
    assert row.status == "failed"
    assert smtp_server.messages == []


def _enable_mail_log() -> None:
    # Alembic's logging setup (run by the migrations in the session fixture) disables
    # loggers that already existed; in production migrations run in their own process.
    logging.getLogger("forum.jobs.mail").disabled = False


def test_without_a_mail_server_messages_are_logged_and_marked_sent(app, caplog):
    _enable_mail_log()
    app.config.update(MAIL_SERVER="", MAIL_LOG_BODY=False)
    with caplog.at_level(logging.INFO, logger="forum.jobs.mail"):
        _queue("nobody@example.org")
        db.session.commit()
    assert "nobody@example.org" in caplog.text
    assert "Your password reset request" in caplog.text
    assert "no active account" not in caplog.text  # bodies only in development
    assert _outbox()[0].status == "sent"


def test_development_logs_the_body_too(app, caplog):
    _enable_mail_log()
    app.config.update(MAIL_SERVER="", MAIL_LOG_BODY=True)
    with caplog.at_level(logging.INFO, logger="forum.jobs.mail"):
        _queue("nobody@example.org")
        db.session.commit()
    assert "no active account" in caplog.text


def test_worker_once_delivers_what_is_due(app, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    _queue()
    db.session.commit()
    assert smtp_server.messages == []
    result = app.test_cli_runner().invoke(args=["forum", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 done" in result.output
    assert len(smtp_server.messages) == 1


def test_term_lets_the_worker_finish_its_run_then_stop(app, smtp_server, monkeypatch):
    from forum.jobs import worker

    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    _queue()
    db.session.commit()
    jobs = {"stop": lambda now: os.kill(os.getpid(), signal.SIGTERM) or 0, "mail": deliver_due}
    monkeypatch.setattr(worker, "JOBS", jobs)
    runs: list[dict[str, int]] = []
    before = signal.getsignal(signal.SIGTERM)
    with app.app_context():
        worker.run_until_stopped(3600, runs.append)  # returns only because of the TERM
    assert runs == [{"stop": 0, "mail": 1}]  # the mail job still ran after the signal
    assert len(smtp_server.messages) == 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_by_default_web_processes_leave_sending_to_the_worker(app, client, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = Config.MAIL_DELIVERY
    threads_before = threading.active_count()
    assert client.post("/reset", data={"email": "someone@example.org"}).status_code == 200
    assert smtp_server.messages == []
    assert threading.active_count() == threads_before  # no sending thread either
    assert [row.status for row in _outbox()] == ["queued"]

    result = app.test_cli_runner().invoke(args=["forum", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1
    assert [row.status for row in _outbox()] == ["sent"]
