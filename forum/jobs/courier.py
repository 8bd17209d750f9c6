"""Delivers queued email right after the commit that queued it, when ``MAIL_DELIVERY`` says so.

``"worker"`` (the default) leaves every message to ``flask --app wsgi forum worker``, which
sends it within ``WORKER_POLL_SECONDS``: web processes never send mail, so a web worker killed
or restarted mid-request cannot take a send in flight with it. ``"inline"`` (tests) sends
before ``commit()`` returns, so a test sees its email at once.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.jobs.mail import deliver_due
from forum.services.mail import QUEUED_FLAG

log = logging.getLogger(__name__)

_listening = False


def init_app(app: Flask) -> None:
    global _listening
    if not _listening:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
        _listening = True


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback leaves the rest queued
        session.info.pop(QUEUED_FLAG, None)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the mail goes when the real commit happens
    if session.info.pop(QUEUED_FLAG, False) and current_app.config["MAIL_DELIVERY"] == "inline":
        deliver_safely()


def deliver_safely() -> int:
    """Deliver what is due; log (never raise) if the database or mail server fails."""
    try:
        return deliver_due()
    except Exception:
        log.exception("mail delivery run failed")
        return 0
