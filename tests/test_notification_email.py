"""Notification email over a real SMTP server on loopback: the delay, batching, delivery
windows, sensitive categories, one-click unsubscribe, and delivery through an SMTP outage.

Time is controlled by running the worker with ``now`` in the future; nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from forum.extensions import db
from forum.jobs.mail import deliver_due
from forum.models import CategorySubscription, NotificationSettings, OutboxMessage, utcnow
from forum.services.moderation import posts as moderation_posts
from forum.services.notifications.schedule import LONDON
from tests.conftest import build_app
from tests.factories import make_category, make_moderator, make_reply, make_thread, make_user
from tests.mail_server import MailServer, _free_port, _Handler, links_in, text_of
from tests.notification_helpers import later, notifications_of, run_worker, set_email_settings


def _watched_reply(body: str = "Repeat the FIT at six weeks.", **thread_args):
    watcher = make_user(name="Dr Asha Patel")
    thread = make_thread(author=watcher, **thread_args)
    post = make_reply(thread, author=make_user(name="Dr Tom Reply"), body=body)
    return watcher, thread, post


def _next(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The next given weekday (Monday 0) at hour:minute UK time, at least a day away."""
    today = datetime.now(LONDON).date() + timedelta(days=1)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def test_a_reply_is_emailed_to_the_watcher_only_after_the_delay(app, smtp_server):
    smtp_server.configure(app)
    watcher, thread, post = _watched_reply()
    run_worker(app, later(5))
    assert smtp_server.messages == []
    run_worker(app, later(11))
    message = smtp_server.last_to(watcher.email)
    assert message["Subject"] == f"Dr Tom Reply replied in “{thread.title}”"
    body = text_of(message)
    assert "Repeat the FIT at six weeks." in body
    assert f"/p/{post.id}" in body
    assert notifications_of(watcher)[0].emailed_at is not None
    run_worker(app, later(30))
    assert len(smtp_server.messages) == 1


def test_a_notification_read_on_the_site_is_never_emailed(app, smtp_server, client):
    from tests.factories import sign_in

    smtp_server.configure(app)
    watcher, thread, _ = _watched_reply()
    sign_in(client, watcher)
    assert client.get(f"/t/{thread.id}").status_code == 200
    run_worker(app, later(11))
    assert smtp_server.messages == []


def test_five_notifications_arrive_as_one_email(app, smtp_server):
    smtp_server.configure(app)
    watcher = make_user()
    thread = make_thread(author=watcher)
    for n in range(5):
        make_reply(thread, author=make_user(), body=f"Thought number {n}")
    run_worker(app, later(11))
    [message] = smtp_server.to(watcher.email)
    assert message["Subject"] == f"5 new notifications on {app.config['SITE_NAME']}"
    body = text_of(message)
    assert all(f"Thought number {n}" in body for n in range(5))


def test_email_waits_for_the_delivery_window(app, smtp_server):
    smtp_server.configure(app)
    watcher, _, _ = _watched_reply()
    weekdays_evening = dict(email_days=0b0011111, window_start=18 * 60 + 30, window_end=24 * 60)
    set_email_settings(watcher, **weekdays_evening)
    run_worker(app, _next(2, 12))  # Wednesday lunchtime
    assert smtp_server.messages == []
    run_worker(app, _next(5, 19))  # Saturday evening: a quiet day
    assert smtp_server.messages == []
    run_worker(app, _next(0, 18, 45))  # Monday evening
    assert len(smtp_server.to(watcher.email)) == 1


def test_a_sensitive_category_never_puts_post_text_in_email(app, smtp_server):
    smtp_server.configure(app)
    peer = make_category("Peer support", is_sensitive=True)
    watcher, thread, _ = _watched_reply(
        body="I have not slept since the review.", category=peer, title="A hard week"
    )
    run_worker(app, later(11))
    message = smtp_server.last_to(watcher.email)
    body = text_of(message)
    assert "I have not slept" not in body and "A hard week" not in body
    assert "A hard week" not in message["Subject"]
    assert "New activity in Peer support: sign in to read it" in body


def test_email_settings_off_means_no_email(app, smtp_server):
    smtp_server.configure(app)
    watcher, _, _ = _watched_reply()
    set_email_settings(watcher, email_enabled=False)
    run_worker(app, later(11))
    assert smtp_server.messages == []
    assert notifications_of(watcher)[0].email_due_at is None


def test_hiding_a_post_withdraws_its_unsent_email(app, smtp_server):
    from forum import queries
    from forum.policy import SYSTEM

    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    watcher, _, post = _watched_reply(body="Something that should not have been posted.")
    run_worker(app, later(11))
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage.status)) in ("queued", "sent")
    smtp_server.messages.clear()
    # The worker sent it in the same run; queue a second reply whose email stays unsent.
    app.config["MAIL_SERVER"] = ""
    second = make_reply(queries.get_thread_or_404(post.thread_id, SYSTEM), body="Also wrong")
    moderator = make_moderator()
    with app.app_context():
        from forum.jobs.notifications import send_notification_emails

        send_notification_emails(later(30))
    db.session.commit()
    queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "queued")).all()
    assert watcher.email in {m.to_address for m in queued}
    moderation_posts.hide_post(moderator, queries.get_post_or_404(second.id, SYSTEM), reason="PII")
    db.session.commit()
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "queued")).all()
        == []
    )


# One-click unsubscribe ------------------------------------------------------------------------


def test_unsubscribe_works_signed_out_and_is_honoured(app, smtp_server):
    smtp_server.configure(app)
    watcher, thread, _ = _watched_reply()
    run_worker(app, later(11))
    message = smtp_server.last_to(watcher.email)
    header = str(message["List-Unsubscribe"]).strip()
    assert header.startswith("<http") and "/unsubscribe/" in header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    path = url.split("://", 1)[1].partition("/")[2]
    assert url in links_in(message)

    csrf_app = build_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    signed_out = csrf_app.test_client()
    page = signed_out.get(f"/{path}")
    assert page.status_code == 200 and "Stop every email" in page.get_data(as_text=True)
    response = signed_out.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    with csrf_app.app_context():
        db.engine.dispose()
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    db.session.commit()
    settings = db.session.get(NotificationSettings, watcher.id)
    assert (settings.email_enabled, settings.digest) == (False, "off")

    make_reply(thread, body="Another reply")
    run_worker(app, later(25))
    assert len(smtp_server.to(watcher.email)) == 1


def test_a_category_unsubscribe_stops_only_that_category(app, smtp_server, client):
    smtp_server.configure(app)
    category = make_category("Screening")
    watcher, thread, _ = _watched_reply(category=category)
    run_worker(app, later(11))
    body = text_of(smtp_server.last_to(watcher.email))
    [link] = [
        line.split(": ", 1)[1]
        for line in body.splitlines()
        if "Stop emails about Screening" in line
    ]
    assert client.post("/" + link.split("://", 1)[1].partition("/")[2]).status_code == 200
    db.session.commit()
    row = db.session.get(CategorySubscription, (watcher.id, category.id))
    assert row.email is False
    make_reply(thread, body="More screening news")
    other = make_thread(author=watcher)
    make_reply(other, body="Elsewhere")
    run_worker(app, later(25))
    last = smtp_server.last_to(watcher.email)
    assert "Elsewhere" in text_of(last) and "More screening news" not in text_of(last)


def test_a_tampered_unsubscribe_link_is_refused(app, client):
    assert client.get("/unsubscribe/not-a-real-token").status_code == 404
    assert client.post("/unsubscribe/not-a-real-token").status_code == 404


# Delivery through an SMTP outage -----------------------------------------------------------


def test_smtp_down_then_up_delivers_every_message_exactly_once(app):
    port = _free_port()
    server = MailServer(host="127.0.0.1", port=port)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=2)
    watchers = []
    for _ in range(3):
        watcher, _, _ = _watched_reply()
        watchers.append(watcher)
    # Nothing listens: the attempt after the commit and the worker's own both fail.
    run_worker(app, later(11))
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert [(r.status, r.attempts) for r in rows] == [("queued", 2)] * 3

    controller = Controller(_Handler(server), hostname=server.host, port=port)
    controller.start()
    try:
        run_worker(app, later(11.5))  # not due again yet: backoff
        assert server.messages == []
        run_worker(app, later(14))
        run_worker(app, later(60))
        with app.app_context():
            deliver_due(utcnow() + timedelta(hours=3))
    finally:
        controller.stop()
    assert sorted(m["To"] for m in server.messages) == sorted(w.email for w in watchers)
    db.session.commit()
    assert {r.status for r in db.session.scalars(select(OutboxMessage))} == {"sent"}
