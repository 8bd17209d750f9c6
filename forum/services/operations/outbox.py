"""Staff send failed email again, once the cause (the mail server, an address) is fixed."""

from __future__ import annotations

from sqlalchemy import update

from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus, utcnow
from forum.policy import Actor, can_retry_failed_mail, require
from forum.services import audit


def retry_failed_messages(actor: Actor) -> int:
    """Queue every failed message again, due now with its attempts reset; return how many."""
    require(can_retry_failed_mail(actor))
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(
            status=OutboxStatus.QUEUED,
            attempts=0,
            next_attempt_at=utcnow(),
            claimed_at=None,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    )
    count = db.session.execute(stmt).rowcount or 0
    if count:
        audit.record(actor, "mail.retry_failed", after={"messages": count})
        db.session.flush()
    return count
