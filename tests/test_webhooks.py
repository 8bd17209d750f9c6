"""Webhooks: delivered to a real receiver on loopback, signatures checked by an independent
implementation (the ``standardwebhooks`` package), retries, safe targets, what each hook may
see, and the admin pages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from forum import queries
from forum.errors import ServiceError
from forum.extensions import db
from forum.jobs.webhooks import deliver_webhooks
from forum.models import (
    AuditEntry,
    DeliveryStatus,
    OutboxMessage,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from forum.policy import SYSTEM
from forum.services.discussions import solutions
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import threads as moderation_threads
from forum.services.webhooks import endpoints
from forum.services.webhooks.addresses import TargetRefused
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_group,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    restrict_category,
    sign_in,
)


@dataclass
class Receiver:
    """A webhook receiver on loopback: records each request, answers the queued statuses
    (then 204)."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            found.requests.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }  # fmt: skip
            )
            status = found.answers.pop(0) if found.answers else 204
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"no" if status >= 300 else b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/forum"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


EVERYTHING = ("thread.created", "post.created", "solution.accepted", "member.joined")


@dataclass(frozen=True)
class Hook:
    """An endpoint as the test knows it (the worker ends the session it was loaded in)."""

    id: int
    secret: str

    def row(self) -> WebhookEndpoint:
        db.session.commit()
        return db.session.get_one(WebhookEndpoint, self.id)


def _endpoint(url: str, events: tuple[str, ...] = EVERYTHING, **fields: Any) -> Hook:
    db.session.commit()  # a fresh snapshot: requests may have written since
    endpoint = endpoints.create_endpoint(
        SYSTEM, url=url, description="", event_names=list(events),
        category_ids=list(fields.pop("category_ids", [])),
    )  # fmt: skip
    db.session.commit()
    return Hook(endpoint.id, endpoint.secret)


def _deliveries(endpoint: Hook) -> list[WebhookDelivery]:
    db.session.commit()
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    return list(db.session.scalars(stmt.order_by(WebhookDelivery.id)))


def run(app: Flask, when: datetime | None = None) -> int:
    """Run the worker's job as the worker does: in an app context (and session) of its own."""
    db.session.commit()
    with app.app_context():
        sent = deliver_webhooks(when)
    db.session.commit()
    return sent


def _verify(secret: str, request: dict[str, Any]) -> dict[str, Any]:
    """The receiver's check, by the Standard Webhooks reference library."""
    return Webhook(secret).verify(request["body"], request["headers"])


# Delivery, signatures, retries ------------------------------------------------------------


def test_a_new_thread_is_delivered_signed_and_verified_independently(
    app: Flask, receiver: Receiver
) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created",))
    assert endpoint.secret.startswith("whsec_")
    thread = make_thread(make_category("Referrals"), title="A sarcoma referral question")

    assert run(app) == 1
    [request] = receiver.requests
    assert request["path"] == "/hooks/forum"
    assert request["headers"]["webhook-id"].startswith("msg_")
    assert request["headers"]["webhook-signature"].startswith("v1,")
    payload = _verify(endpoint.secret, request)
    assert payload["type"] == "thread.created"
    assert payload["data"]["thread"]["id"] == thread.id
    assert payload["data"]["thread"]["title"] == "A sarcoma referral question"
    assert payload["data"]["post"]["body"] == "An opening post."
    [delivery] = _deliveries(endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    assert delivery.message_id == request["headers"]["webhook-id"]

    tampered = dict(request, body=request["body"].replace(b"sarcoma", b"SARCOMA"))
    with pytest.raises(WebhookVerificationError):
        _verify(endpoint.secret, tampered)
    other_secret = endpoints.rotate_secret(SYSTEM, endpoint.row())
    with pytest.raises(WebhookVerificationError):
        _verify(other_secret, request)


def test_the_worker_runs_the_webhooks_job(app: Flask, receiver: Receiver) -> None:
    from tests.notification_helpers import run_worker

    _endpoint(receiver.url, ("thread.created",))
    make_thread()
    db.session.commit()
    assert run_worker(app, utcnow())["webhooks"] == 1
    assert len(receiver.requests) == 1


def test_a_failed_delivery_is_retried_later_with_the_same_id(
    app: Flask, receiver: Receiver
) -> None:
    endpoint = _endpoint(receiver.url, ("post.created",))
    thread = make_thread()
    receiver.answers = [500]
    make_reply(thread, body="A reply worth sending.")
    start = utcnow()

    assert run(app, start) == 0
    [delivery] = _deliveries(endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == start + timedelta(minutes=1)
    assert endpoint.row().failing_since == start

    assert run(app, start + timedelta(seconds=30)) == 0  # not due yet
    assert len(receiver.requests) == 1
    assert run(app, start + timedelta(minutes=2)) == 1
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["body"] == second["body"]
    assert _verify(endpoint.secret, second)["data"]["post"]["body"] == "A reply worth sending."
    [delivery] = _deliveries(endpoint)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert endpoint.row().failing_since is None


def test_a_day_of_failures_turns_the_endpoint_off_and_tells_the_admins(
    app: Flask, receiver: Receiver
) -> None:
    admin = make_admin()
    endpoint = _endpoint(receiver.url, ("thread.created",))
    make_thread()
    receiver.answers = [503] * 10
    start = utcnow()
    run(app, start)
    make_thread()  # a second delivery, due whenever the worker runs next
    run(app, start + timedelta(hours=25))

    row = endpoint.row()
    assert not row.is_active
    assert "failed for 24 hours" in row.disabled_reason
    emails = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert admin.email in emails
    sent = len(receiver.requests)
    make_thread()
    run(app, start + timedelta(hours=30))
    assert len(receiver.requests) == sent, "nothing is sent to an endpoint that is off"


def test_the_last_attempt_gives_up(app: Flask, receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created",))
    make_thread()
    receiver.answers = [500] * 10
    when = utcnow()
    for _ in range(6):
        run(app, when)
        when += timedelta(hours=15)
        endpoint.row().failing_since = None  # keep it on
        db.session.commit()
    [delivery] = _deliveries(endpoint)
    assert (delivery.status, delivery.attempts) == ("failed", 6)
    assert len(receiver.requests) == 6


def test_a_post_taken_down_before_sending_is_not_sent(app: Flask, receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url, ("post.created",))
    reply = make_reply(make_thread(), body="Something unkind about a colleague.")
    moderation_posts.hide_post(SYSTEM, queries.get_post_or_404(reply.id, SYSTEM), reason="Unkind.")
    assert run(app) == 0
    assert receiver.requests == []
    [delivery] = _deliveries(endpoint)
    assert delivery.status == "failed" and "hidden" in delivery.last_error


def test_a_thread_moved_out_of_sight_before_sending_is_not_sent(
    app: Flask, receiver: Receiver
) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created",))
    thread = make_thread(make_category("Open"), title="A question for everyone")
    staff_room = make_category("Staff room", staff_only=True)
    moderation_threads.move_thread(SYSTEM, loaded(thread), staff_room)
    assert run(app) == 0
    assert receiver.requests == []
    [delivery] = _deliveries(endpoint)
    assert delivery.status == "failed" and "moved" in delivery.last_error


# Where webhooks may go ---------------------------------------------------------------------

REFUSED_ALWAYS = [
    "http://10.0.0.1/hook",
    "http://192.168.1.20/hook",
    "http://172.16.5.4/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "ftp://example.org/hook",
    "http://user:pass@example.org/hook",
]


@pytest.mark.parametrize("url", REFUSED_ALWAYS)
def test_private_and_odd_targets_are_refused(app: Flask, url: str) -> None:
    with pytest.raises(ServiceError):
        _endpoint(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://[::1]/hook"])
def test_loopback_is_refused_unless_allowed(app: Flask, url: str) -> None:
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = False
    with pytest.raises(TargetRefused, match="loopback"):
        _endpoint(url)
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    assert _endpoint(url).row().url == url


def test_the_private_setting_allows_private_but_never_link_local(app: Flask) -> None:
    app.config["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = True
    assert _endpoint("http://10.0.0.1/hook").row().url == "http://10.0.0.1/hook"
    with pytest.raises(TargetRefused, match="link-local"):
        _endpoint("http://169.254.169.254/hook")


def test_the_address_is_checked_again_when_sending(app: Flask, receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created",))
    make_thread()
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = False
    assert run(app) == 0
    assert receiver.requests == []
    [delivery] = _deliveries(endpoint)
    assert "loopback" in delivery.last_error and delivery.status == DeliveryStatus.PENDING


def test_redirects_are_not_followed(app: Flask, receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created",))
    make_thread()
    receiver.answers = [302]
    assert run(app) == 0
    [delivery] = _deliveries(endpoint)
    assert delivery.last_status_code == 302 and "Redirects" in delivery.last_error
    assert len(receiver.requests) == 1


# What each hook may see --------------------------------------------------------------------


def test_restricted_categories_reach_only_hooks_allowed_to_see_them(app: Flask) -> None:
    staff_room = make_category("Staff room", staff_only=True)
    group_room = restrict_category(make_category("Leads"), read=(make_group(),))
    public_hook = _endpoint("http://127.0.0.1:9/public")
    staff_hook = _endpoint("http://127.0.0.1:9/staff", category_ids=[staff_room.id])
    make_thread(staff_room)
    make_thread(group_room, author=make_moderator())
    make_thread(make_category("Open"))

    def events(hook: Hook) -> list[str]:
        return [d.payload["data"]["category"]["name"] for d in _deliveries(hook)
                if d.event == "thread.created"]  # fmt: skip

    assert events(public_hook) == ["Open"]
    assert events(staff_hook) == ["Staff room", "Open"]


def test_sensitive_categories_send_ids_not_text(app: Flask, receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url, ("thread.created", "post.created"))
    support = make_category("Peer support", is_sensitive=True)
    author = make_user(name="Dr Worried Writer")
    thread = make_thread(support, author=author, title="Struggling this week", body="Private.")
    make_reply(thread, author=author, body="Still private.")
    run(app)

    assert len(receiver.requests) == 2
    for request in receiver.requests:
        body = request["body"].decode()
        assert "Struggling" not in body and "private" not in body.lower()
        assert "Worried" not in body
        data = _verify(endpoint.secret, request)["data"]
        assert data["text_withheld"] is True
        assert data["thread"]["id"] == thread.id and data["author"]["id"] == author.id
        assert data["category"]["name"] == "Peer support"


def test_solutions_and_new_members_are_events(app: Flask) -> None:
    endpoint = _endpoint("http://127.0.0.1:9/hook", ("solution.accepted", "member.joined"))
    asker = make_user(name="Asking Member", email="asker@example.org")
    thread = make_thread(author=asker)
    answer = make_reply(thread)
    solutions.accept_solution(asker, loaded(thread), answer)
    db.session.commit()

    found = _deliveries(endpoint)
    joined = next(d for d in found if d.payload["data"].get("member", {}).get("id") == asker.id)
    [accepted] = [d for d in found if d.event == "solution.accepted"]
    assert joined.payload["data"]["member"]["display_name"] == "Asking Member"
    assert "asker@example.org" not in json.dumps(joined.payload)
    assert accepted.event == "solution.accepted"
    assert accepted.payload["data"]["post"]["id"] == answer.id


def test_held_posts_are_sent_when_approved_not_before(app: Flask) -> None:
    endpoint = _endpoint("http://127.0.0.1:9/hook", ("thread.created",))
    make_thread(make_category(requires_approval=True))
    assert _deliveries(endpoint) == []


# The admin pages ---------------------------------------------------------------------------


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(app: Flask, receiver: Receiver) -> None:
    admin = make_admin()
    client = app.test_client()
    sign_in(client, admin)
    staff_room = make_category("Staff room", staff_only=True)
    response = client.post("/admin/webhooks/new", data={
        "url": receiver.url, "description": "The audit system",
        "events": ["thread.created", "post.created"], "categories": [str(staff_room.id)],
    })  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.commit()
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    page = response.get_data(as_text=True)
    assert endpoint.secret in page
    assert endpoint.events == ["thread.created", "post.created"]
    assert endpoint.category_ids == [staff_room.id]
    shown = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret not in shown and "Staff room" in shown
    assert endpoint.secret not in client.get("/admin/webhooks").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "webhook.create" in actions
    assert all(endpoint.secret not in json.dumps(e.after or {})
               for e in db.session.scalars(select(AuditEntry)))  # fmt: skip


def test_the_form_refuses_a_private_target_and_bad_choices(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, make_admin())
    refused = client.post("/admin/webhooks/new", data={"url": "http://10.0.0.1/hook",
                                                       "events": ["thread.created"]})  # fmt: skip
    assert refused.status_code == 422
    assert "private address" in refused.get_data(as_text=True)
    for data in ({"url": "http://127.0.0.1:9/", "events": ["nope"]},
                 {"url": "http://127.0.0.1:9/", "events": []},
                 {"url": "http://127.0.0.1:9/", "events": ["thread.created"],
                  "categories": ["x"]}):  # fmt: skip
        assert client.post("/admin/webhooks/new", data=data).status_code == 422
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_send_again_and_turn_back_on(app: Flask, receiver: Receiver) -> None:
    client = app.test_client()
    sign_in(client, make_admin())
    endpoint = _endpoint(receiver.url, ("thread.created",))
    make_thread()
    receiver.answers = [500] * 3
    when = utcnow()
    for _ in range(3):  # at 0, 15 and 30 hours: off after the third
        run(app, when)
        when += timedelta(hours=15)
    assert not endpoint.row().is_active
    [delivery] = _deliveries(endpoint)
    assert (delivery.status, delivery.attempts) == ("pending", 3)
    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "Send again" in page and "Turn on again" in page

    client.post(f"/admin/webhooks/{endpoint.id}/enable")
    response = client.post(f"/admin/webhooks/{endpoint.id}/deliveries/{delivery.id}/resend")
    assert response.status_code == 302
    assert run(app) == 1
    [delivery] = _deliveries(endpoint)
    assert delivery.status == "delivered"
    assert receiver.requests[-1]["headers"]["webhook-id"] == delivery.message_id


def test_test_event_rotate_and_delete(app: Flask, receiver: Receiver) -> None:
    client = app.test_client()
    sign_in(client, make_admin())
    endpoint = _endpoint(receiver.url, ("thread.created",))
    old = endpoint.secret
    client.post(f"/admin/webhooks/{endpoint.id}/test")
    rotated = client.post(f"/admin/webhooks/{endpoint.id}/rotate")
    new = endpoint.row().secret
    assert new != old and new in rotated.get_data(as_text=True)
    assert run(app) == 1
    assert _verify(new, receiver.requests[0])["type"] == "webhook.ping"
    client.post(f"/admin/webhooks/{endpoint.id}/delete")
    db.session.commit()
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    log = client.get("/mod/audit/").get_data(as_text=True)
    for words in ("Sent a webhook a test event", "Made a new signing secret for a webhook",
                  f"Webhook to {receiver.url}", "Deleted a webhook"):  # fmt: skip
        assert words in log


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_admins_reach_the_pages(app: Flask, who: str) -> None:
    endpoint = _endpoint("http://127.0.0.1:9/hook")
    client = app.test_client()
    sign_in(client, make_user() if who == "member" else make_moderator())
    for path in ("/admin/webhooks", "/admin/webhooks/new", f"/admin/webhooks/{endpoint.id}",
                 f"/admin/webhooks/{endpoint.id}/edit"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert client.post(f"/admin/webhooks/{endpoint.id}/delete").status_code == 404
    assert client.post(f"/admin/webhooks/{endpoint.id}/rotate").status_code == 404
    db.session.commit()
    assert endpoint.row().secret == endpoint.secret
    assert app.test_client().get("/admin/webhooks").status_code == 302
