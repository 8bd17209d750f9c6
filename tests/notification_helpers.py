"""Shared steps for the notification tests: running the worker at a chosen time, reading rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, NotificationSettings, User, utcnow


def run_worker(app: Flask, now: datetime) -> dict[str, int]:
    """``forum worker --once`` as it would run at ``now`` (in a context of its own, as the
    worker process has)."""
    from forum.jobs import worker

    with app.app_context():
        return worker.run_due_jobs(now)


def later(minutes: float) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


def notifications_of(user: User) -> list[Notification]:
    db.session.commit()
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(stmt))


def unread_count(user: User) -> int:
    db.session.commit()
    return db.session.scalar(select(User.unread_notification_count).where(User.id == user.id))


def set_email_settings(user: User, **values: Any) -> NotificationSettings:
    """Store settings for ``user`` directly (the settings page is tested on its own)."""
    from forum.services.notifications import subscriptions

    db.session.commit()
    settings = subscriptions._stored_settings(user.id)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.commit()
    return settings
