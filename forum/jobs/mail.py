"""Deliver queued email over SMTP: the ``mail`` job of ``forum worker``.

``deliver_due`` claims each due outbox row with one atomic UPDATE before sending, so any number
of workers never send the same message twice, and records every outcome in its own short
transaction. Messages are queued by ``forum.services.mail.queue_email``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app
from sqlalchemy import Connection, select, update

from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger(__name__)

#: A message claimed longer ago than this was interrupted mid-send (the process died).
STALE_CLAIM = timedelta(minutes=15)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
BATCH_SIZE = 50


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 ... minutes after each failed attempt, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def deliver_due(now: datetime | None = None) -> int:
    """Send every queued message that is due; return how many were sent."""
    now = now or utcnow()
    _give_up_interrupted(now)
    sent = 0
    with _smtp_session() as transport:
        for message_id in _due_ids(now):
            claimed = _claim(message_id, now)
            if claimed is not None:
                sent += _deliver(claimed, transport, now)
    return sent


def _due_ids(now: datetime) -> list[int]:
    stmt = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(BATCH_SIZE)
    )
    with db.engine.begin() as conn:
        return list(conn.scalars(stmt))


def _claim(message_id: int, now: datetime) -> dict[str, Any] | None:
    """Take the message for this deliverer, or None if another one took it first."""
    table = OutboxMessage.__table__
    stmt = (
        update(table)
        .where(
            table.c.id == message_id,
            table.c.status == OutboxStatus.QUEUED,
            table.c.next_attempt_at <= now,
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=table.c.attempts + 1)
        .returning(*table.c)
    )
    with db.engine.begin() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def _deliver(message: dict[str, Any], transport: _Transport, now: datetime) -> int:
    try:
        transport.send(message)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        _record_failure(message, error, now)
        return 0
    _record(message["id"], status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")
    return 1


def _record_failure(message: dict[str, Any], error: Exception, now: datetime) -> None:
    permanent = _is_permanent(error)
    attempts = message["attempts"]
    give_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    reason = f"{type(error).__name__}: {error}"[:500]
    log.warning(
        "mail %s to %s failed (attempt %s): %s", message["id"], "recipient", attempts, reason
    )
    _record(
        message["id"],
        status=OutboxStatus.FAILED if give_up else OutboxStatus.QUEUED,
        next_attempt_at=now + retry_delay(attempts),
        last_error=reason,
    )


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer will not change on retry; 4xx and network errors may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record(message_id: int, **values: Any) -> None:
    table = OutboxMessage.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == message_id).values(**values))


def _give_up_interrupted(now: datetime) -> None:
    """Mark messages whose sender died mid-send as failed: resending might send them twice."""
    table = OutboxMessage.__table__
    with db.engine.begin() as conn:
        _fail_stale(conn, table, now)


def _fail_stale(conn: Connection, table: Any, now: datetime) -> None:
    conn.execute(
        update(table)
        .where(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < now - STALE_CLAIM)
        .values(
            status=OutboxStatus.FAILED,
            last_error="Interrupted while sending; not retried in case it was sent.",
        )
    )


# Transports ------------------------------------------------------------------------------


def build_message(message: dict[str, Any]) -> EmailMessage:
    """The MIME message: plain text, with an HTML alternative when there is one."""
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message["to_address"]
    email["Subject"] = message["subject"]
    email["Date"] = formatdate(localtime=False)
    domain = cfg["MAIL_FROM"].rpartition("@")[2].strip(">") or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    for name, value in (message.get("headers") or {}).items():
        email[name] = value
    email.set_content(message["text_body"])
    if message["html_body"]:
        email.add_alternative(message["html_body"], subtype="html")
    return email


class _Transport:
    def send(self, message: dict[str, Any]) -> None:
        raise NotImplementedError


class _LogTransport(_Transport):
    """Development without a mail server: write the message to the log instead."""

    def send(self, message: dict[str, Any]) -> None:
        to, subject = message["to_address"], message["subject"]
        log.warning("mail (not sent: no MAIL_SERVER) to %s: %s", to, subject)
        if current_app.config["MAIL_LOG_BODY"]:
            log.warning("mail body:\n%s", message["text_body"])


class _SMTPTransport(_Transport):
    """One SMTP connection per batch, opened on the first message."""

    def __init__(self) -> None:
        self.connection: smtplib.SMTP | None = None

    def send(self, message: dict[str, Any]) -> None:
        if self.connection is None:
            self.connection = _connect()
        try:
            self.connection.send_message(build_message(message))
        except smtplib.SMTPServerDisconnected:
            self.connection = None
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    timeout = cfg["MAIL_TIMEOUT_SECONDS"]
    if cfg["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    return smtp


@contextmanager
def _smtp_session() -> Iterator[_Transport]:
    if not current_app.config["MAIL_SERVER"]:
        yield _LogTransport()
        return
    transport = _SMTPTransport()
    try:
        yield transport
    finally:
        transport.close()
