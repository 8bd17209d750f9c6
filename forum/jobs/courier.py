"""Delivers queued email once the transaction that queued it has committed.

``MAIL_DELIVERY`` decides how: ``"background"`` wakes one daemon thread per process (it also
retries due messages every minute; command-line commits send inline, as the process is about
to exit), ``"inline"`` sends before ``commit()`` returns (tests), ``"worker"`` leaves
everything to ``flask --app wsgi forum worker``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.jobs.mail import deliver_due
from forum.services.mail import QUEUED_FLAG

log = logging.getLogger(__name__)

RETRY_SECONDS = 60
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
    if not session.info.pop(QUEUED_FLAG, False):
        return
    mode = current_app.config["MAIL_DELIVERY"]
    if mode == "inline" or (mode == "background" and not has_request_context()):
        deliver_safely()
    elif mode == "background":
        courier_for(current_app._get_current_object()).wake()  # type: ignore[attr-defined]


def deliver_safely() -> int:
    """Deliver what is due; log (never raise) if the database or mail server fails."""
    try:
        return deliver_due()
    except Exception:
        log.exception("mail delivery run failed")
        return 0


class Courier:
    """One daemon thread that delivers mail whenever woken, and every minute anyway."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wanted = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.stopping = False

    def wake(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="mail-courier", daemon=True)
                self.thread.start()
        self.wanted.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the current run and end the thread (tests; a clean shutdown)."""
        self.stopping = True
        self.wanted.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self) -> None:
        while not self.stopping:
            self.wanted.wait(RETRY_SECONDS)
            self.wanted.clear()
            if self.stopping:
                return
            with self.app.app_context():
                deliver_safely()


def courier_for(app: Flask) -> Courier:
    with _registry_lock:
        return app.extensions.setdefault("forum_courier", Courier(app))


_registry_lock = threading.Lock()
