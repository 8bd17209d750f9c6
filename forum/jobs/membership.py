"""The worker's membership job: forget deleted members' names in the audit log in time."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from forum.extensions import db
from forum.models import utcnow
from forum.services.membership import leaving


def forget_leavers(now: datetime | None = None) -> int:
    """Replace the audit log's copies of the names of members deleted more than
    ``LEAVER_AUDIT_DAYS`` ago; returns how many members."""
    try:
        with db.session.begin():
            days = current_app.config["LEAVER_AUDIT_DAYS"]
            return leaving.forget_in_audit_log(now or utcnow(), days)
    finally:
        db.session.remove()
