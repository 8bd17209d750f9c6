"""Digests at the member's chosen time, idempotent; delivery windows; workers side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import OutboxMessage, WatchLevel, utcnow
from forum.services.discussions import helpful, solutions
from forum.services.notifications import schedule as email_schedule
from forum.services.notifications import subscriptions
from forum.services.notifications.schedule import LONDON
from tests.factories import (
    loaded,
    make_category,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
)
from tests.mail_server import text_of
from tests.notification_helpers import run_worker, set_email_settings


@dataclass
class Choices:
    email_days: int = email_schedule.ALL_DAYS
    window_start: int = 0
    window_end: int = 24 * 60
    digest: str = "daily"
    digest_time: int = 7 * 60
    digest_weekday: int = 0


def _london(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=LONDON).astimezone(UTC)


# The schedule, as pure functions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (("2026-03-04", "18:29"), False),  # Wednesday, before the window
        (("2026-03-04", "18:30"), True),
        (("2026-03-04", "23:59"), True),
        (("2026-03-07", "19:00"), False),  # Saturday: a quiet day
        (("2026-07-06", "18:45"), True),  # Monday in summer time (BST)
    ],
)
def test_weekdays_after_half_past_six(moment, allowed):
    choices = Choices(email_days=email_schedule.WEEKDAYS, window_start=18 * 60 + 30)
    assert email_schedule.in_window(choices, _london(*moment)) is allowed


def test_a_window_past_midnight_belongs_to_the_evening_before():
    choices = Choices(email_days=0b0011111, window_start=22 * 60, window_end=6 * 60)
    assert email_schedule.in_window(choices, _london("2026-03-06", "23:00"))  # Friday night
    assert email_schedule.in_window(choices, _london("2026-03-07", "05:00"))  # Friday's, early
    assert not email_schedule.in_window(choices, _london("2026-03-08", "05:00"))  # Saturday's
    assert not email_schedule.in_window(choices, _london("2026-03-06", "12:00"))


def test_a_daily_digest_covers_the_day_before_its_time():
    period = email_schedule.latest_digest(Choices(), _london("2026-03-04", "07:05"))
    assert (period.start, period.end) == (
        _london("2026-03-03", "07:00"),
        _london("2026-03-04", "07:00"),
    )
    assert period.key == "daily:2026-03-04"


def test_after_quiet_days_the_digest_covers_them_too():
    weekdays = Choices(email_days=email_schedule.WEEKDAYS)
    period = email_schedule.latest_digest(weekdays, _london("2026-03-09", "08:00"))  # Monday
    assert period.start == _london("2026-03-06", "07:00")  # Friday


def test_a_weekly_digest_on_the_chosen_day():
    weekly = Choices(digest="weekly", digest_weekday=4, digest_time=17 * 60)
    period = email_schedule.latest_digest(weekly, _london("2026-03-12", "09:00"))  # Thursday
    assert period.end == _london("2026-03-06", "17:00")
    assert period.start == _london("2026-02-27", "17:00")


def test_no_digest_when_off():
    assert email_schedule.latest_digest(Choices(digest="off"), utcnow()) is None


# Digests end to end ----------------------------------------------------------------------


def _next_digest_time(after: datetime, minutes: int) -> datetime:
    local = after.astimezone(LONDON)
    candidate = local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


def _digest_reader(category, **settings):
    reader = make_user(name="Dr Digest Reader")
    subscriptions.set_category_level(reader, category, WatchLevel.WATCHING_FIRST_POST)
    db.session.commit()
    values = {
        "digest": "daily",
        "digest_time": 7 * 60,
        "digest_since": utcnow() - timedelta(days=3),
        "email_enabled": False,  # notification emails off: the digest has its own setting
    }
    set_email_settings(reader, **(values | settings))
    return reader


def test_the_digest_lists_the_right_threads_at_the_chosen_time(app, smtp_server):
    smtp_server.configure(app)
    watched, other = make_category("Early diagnosis"), make_category("Screening")
    reader = _digest_reader(watched)
    new = make_thread(
        watched, title="Ferritin and fatigue: refer?", body="A 58-year-old with low ferritin."
    )
    make_thread(other, title="Not in a watched category")
    make_thread(make_staff_category(), title="Staff rota")
    asker, answerer = make_user(), make_user()
    question = make_thread(watched, author=asker, title="Which FIT threshold?")
    answer = make_reply(question, author=answerer, body="Ten micrograms per gram.")
    from forum import queries
    from forum.policy import SYSTEM

    solutions.accept_solution(asker, loaded(question), queries.get_post_or_404(answer.id, SYSTEM))
    helpful.mark_helpful(make_user(), queries.get_post_or_404(answer.id, SYSTEM))
    db.session.commit()

    due = _next_digest_time(utcnow(), 7 * 60)
    run_worker(app, due - timedelta(minutes=1))
    assert [text_of(m) for m in smtp_server.to(reader.email)] == []
    run_worker(app, due + timedelta(minutes=1))
    [message] = smtp_server.to(reader.email)
    body = text_of(message)
    assert "Your daily digest" in message["Subject"]
    assert "Ferritin and fatigue: refer?" in body and "A 58-year-old with low ferritin." in body
    assert "NEW SOLUTIONS" in body and "Ten micrograms per gram." in body
    assert "MOST HELPFUL REPLIES" in body
    assert "Not in a watched category" not in body and "Staff rota" not in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert new.id  # listed above by title

    run_worker(app, due + timedelta(minutes=5))  # a restart, a second worker: never twice
    with app.app_context():
        from forum.models import NotificationSettings

        db.session.get(NotificationSettings, reader.id).last_digest_period = ""
        db.session.commit()  # even if the marker were lost, the outbox's dedupe key holds
    run_worker(app, due + timedelta(minutes=6))
    assert len(smtp_server.to(reader.email)) == 1
    db.session.commit()
    keys = db.session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.to_address == reader.email)
    )
    assert [k for k in keys if k and k.startswith("digest:")] == [
        f"digest:{reader.id}:daily:{due.astimezone(LONDON).date().isoformat()}"
    ]


def test_a_sensitive_category_digest_says_only_sign_in_to_read(app, smtp_server):
    smtp_server.configure(app)
    peer = make_category("Peer support", is_sensitive=True)
    reader = _digest_reader(peer)
    make_thread(peer, title="I am struggling this week", body="Private words.")
    run_worker(app, _next_digest_time(utcnow(), 7 * 60) + timedelta(minutes=1))
    body = text_of(smtp_server.last_to(reader.email))
    assert "struggling" not in body and "Private words" not in body
    assert "New post in Peer support: sign in to read it" in body


def test_nothing_new_means_no_digest(app, smtp_server):
    smtp_server.configure(app)
    reader = _digest_reader(make_category())
    run_worker(app, _next_digest_time(utcnow(), 7 * 60) + timedelta(minutes=1))
    assert smtp_server.to(reader.email) == []


# Workers: the database is the queue -----------------------------------------------------------


def test_the_worker_needs_no_redis_even_when_one_is_configured(app, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    app.config["EMAIL_DELAY_MINUTES"] = 0  # due at once: the CLI runs at the real time
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there
    watcher = make_user()
    thread = make_thread(author=watcher)
    make_reply(thread, body="Sent by the worker.")
    email = watcher.email
    with app.app_context():  # a context of its own, as the worker process has
        result = app.test_cli_runner().invoke(args=["forum", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "notifications: 1 done" in result.output and "mail: 1 done" in result.output
    assert "Sent by the worker." in text_of(smtp_server.last_to(email))


def test_two_workers_at_the_same_moment_send_each_email_and_digest_once(app, smtp_server):
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    category = make_category()
    reader = _digest_reader(category)
    watcher = make_user()
    thread = make_thread(category, author=watcher, title="Two workers, one digest")
    make_reply(thread, body="One email, however many workers.")
    due = _next_digest_time(utcnow(), 7 * 60) + timedelta(minutes=1)
    with ThreadPoolExecutor(2) as pool:  # two hosts' workers on the same tick
        runs = list(pool.map(lambda _: run_worker(app, due), range(2)))
    assert sum(run["digests"] for run in runs) == 1
    assert sum(run["notifications"] for run in runs) == 1
    assert sum(run["mail"] for run in runs) == 2
    assert len(smtp_server.to(reader.email)) == 1
    [email] = smtp_server.to(watcher.email)
    assert "One email, however many workers." in text_of(email)
