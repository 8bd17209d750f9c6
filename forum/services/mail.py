"""Email: queue a message in the caller's transaction.

``queue_email`` only adds an outbox row, so nothing is sent for a transaction that rolls back;
``forum/jobs/mail.py`` delivers the row once the transaction has committed.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import OutboxMessage, utcnow
from forum.queries import site as site_reads

#: Set on the session when mail is queued; ``forum/jobs/mail.py`` looks at it after the commit.
QUEUED_FLAG = "forum.mail_queued"


def queue_email(
    to: str,
    subject: str,
    template: str,
    *,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Render ``email/<template>.txt`` and ``.html`` and queue them for ``to``.

    Returns None (and queues nothing) when a message with ``dedupe_key`` exists already.
    """
    if dedupe_key and db.session.scalar(
        select(func.count()).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    site = site_reads.site_settings()
    context.update(
        subject=subject,
        site_name=site.name,
        site_description=site.description,
        site_contact=site.contact_email,
    )
    message = OutboxMessage(
        to_address=to,
        subject=subject[:300],
        text_body=render_template(f"email/{template}.txt", **context),
        html_body=render_template(f"email/{template}.html", **context),
        headers=headers or {},
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.info[QUEUED_FLAG] = True
    return message
