"""The worker's notification jobs: email what stayed unread, and send digests.

Each member's work runs in a short transaction of its own (``session.begin()`` commits it), so
one member's trouble never holds up or undoes another's, and the outbox row an email becomes is
committed together with the notifications it claimed. Run by ``forum worker``
(``forum/jobs/worker.py``); tests call them with ``now`` to control time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from forum.extensions import db
from forum.models import utcnow
from forum.services.notifications import digests
from forum.services.notifications import email as notification_email

log = logging.getLogger(__name__)


def _each_member(find: Callable[[], list[int]], work: Callable[[int], object], name: str) -> int:
    """Run ``work`` for every member ``find`` lists, each in its own transaction."""
    try:
        with db.session.begin():
            members = find()
        done = 0
        for user_id in members:
            try:
                with db.session.begin():
                    done += work(user_id) is not None
            except Exception:
                log.exception("%s for member %s failed", name, user_id)
        return done
    finally:
        db.session.remove()


def send_notification_emails(now: datetime | None = None) -> int:
    """Queue one email per member whose unread notifications are due; returns how many."""
    now = now or utcnow()
    return _each_member(
        lambda: notification_email.due_members(now),
        lambda user_id: notification_email.email_member(user_id, now),
        "notification email",
    )


def send_digests(now: datetime | None = None) -> int:
    """Queue every digest that is due and not sent yet; returns how many."""
    now = now or utcnow()
    return _each_member(
        digests.digest_members,
        lambda user_id: digests.send_digest(user_id, now),
        "digest",
    )
