"""Join requests: asking, staff approval or rejection, the emails, first sign-in to posting."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, JoinRequest, User
from forum.services.membership import join_requests
from tests.factories import (
    make_admin,
    make_category,
    make_moderator,
    make_user,
    publish_pledge,
    sign_in,
)
from tests.mail_server import links_in, text_of

APPLICANT = {
    "display_name": "Dr Sam Okafor",
    "email": "Sam.Okafor@example.nhs.uk",
    "job_title": "GP partner",
    "organisation": "Riverside Surgery",
    "alliance": "Greater Manchester",
    "gmc_number": "7654321",
    "reason": "I lead our PCN's cancer early diagnosis work.",
}
PASSWORD = "orchard violet compass drum"


def _ask(client, **changes):
    return client.post("/register", data={**APPLICANT, **changes})


def _link(message, part: str) -> str:
    [link] = [u for u in links_in(message) if part in u]
    return urlsplit(link).path


@pytest.fixture
def staff_client(app):
    client = app.test_client()
    sign_in(client, make_admin())
    return client


def test_join_request_to_approval_to_first_sign_in_to_pledge_to_posting(
    app, client, staff_client, smtp_server, reload
):
    smtp_server.configure(app)
    category = make_category()
    response = _ask(client)
    assert response.status_code == 302
    assert client.get(response.location).status_code == 200
    assert "received" in smtp_server.last_to("sam.okafor@example.nhs.uk")["Subject"]

    reload()
    request_ = db.session.scalar(select(JoinRequest))
    assert (request_.status, request_.gmc_number) == ("pending", "7654321")
    queue = staff_client.get("/admin/join-requests")
    assert b"Dr Sam Okafor" in queue.data and b"Riverside Surgery" in queue.data
    assert staff_client.post(f"/admin/join-requests/{request_.id}/approve").status_code == 302
    publish_pledge()

    approved = smtp_server.last_to("sam.okafor@example.nhs.uk")
    assert "approved" in approved["Subject"]
    path = _link(approved, "/reset/")
    assert b"Choose your password" in client.get(path).data
    done = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302
    pledge_redirect = client.get("/")
    assert pledge_redirect.status_code == 302 and "/pledge" in pledge_redirect.location
    blocked = client.post(f"/c/{category.slug}/new", data={"title": "Hello all", "body": "Hi"})
    assert blocked.status_code == 302 and "/pledge" in blocked.location

    pledge_page = client.get("/pledge")
    assert b"never post anything that identifies a patient" in pledge_page.data
    unticked = client.post("/pledge", data={"version": "1"})
    assert unticked.status_code == 422
    accepted = client.post("/pledge", data={"version": "1", "agree": "y"})
    assert accepted.status_code == 302
    posted = client.post(f"/c/{category.slug}/new", data={"title": "Hello all", "body": "Hi"})
    assert posted.status_code == 302 and "/t/" in posted.location

    reload()
    user = db.session.scalar(select(User).where(User.email == "sam.okafor@example.nhs.uk"))
    assert (user.organisation, user.alliance, user.pledge_version) == (
        "Riverside Surgery",
        "Greater Manchester",
        1,
    )
    assert user.email_verified_at is not None


def test_rejection_needs_a_reason_and_sends_it(app, client, staff_client, smtp_server, reload):
    smtp_server.configure(app)
    _ask(client)
    reload()
    request_ = db.session.scalar(select(JoinRequest))
    empty = staff_client.post(f"/admin/join-requests/{request_.id}/reject", data={"reason": ""})
    assert empty.status_code == 422
    assert b"Give a reason" in empty.data
    reason = "This forum is for GPs in the programme; please ask your alliance lead."
    done = staff_client.post(f"/admin/join-requests/{request_.id}/reject", data={"reason": reason})
    assert done.status_code == 302
    message = smtp_server.last_to("sam.okafor@example.nhs.uk")
    assert reason in text_of(message)
    reload()
    assert db.session.scalar(select(JoinRequest)).status == "rejected"
    assert db.session.scalar(select(User).where(User.email.like("sam%"))) is None


def test_a_decided_request_cannot_be_decided_again(app, client, staff_client, reload):
    _ask(client)
    reload()
    request_ = db.session.scalar(select(JoinRequest))
    staff_client.post(f"/admin/join-requests/{request_.id}/approve")
    again = staff_client.post(f"/admin/join-requests/{request_.id}/approve")
    assert again.status_code == 302
    assert b"approved already" in staff_client.get(again.location).data


def test_asking_with_a_members_address_looks_the_same_but_emails_the_owner(
    app, client, smtp_server, reload
):
    smtp_server.configure(app)
    make_user(email="sam.okafor@example.nhs.uk")
    response = _ask(client)
    assert response.status_code == 302 and response.location.endswith("/register/sent")
    assert "already have an account" in smtp_server.last_to("sam.okafor@example.nhs.uk")["Subject"]
    reload()
    assert db.session.scalar(select(JoinRequest)) is None


def test_bad_input_rerenders_with_the_text_kept(app, client):
    response = _ask(client, gmc_number="12", email="not-an-email", alliance="Atlantis")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "A GMC number has 7 digits" in page
    assert "Not a valid choice" in page
    assert "I lead our PCN" in page


def test_trusted_domains_are_approved_at_once_but_still_verify_the_address(
    app, client, smtp_server, reload
):
    smtp_server.configure(app)
    app.config["AUTO_APPROVE_DOMAINS"] = "example.nhs.uk"
    _ask(client)
    reload()
    request_ = db.session.scalar(select(JoinRequest))
    assert request_.status == "approved"
    assert request_.decided_by_name == "Trusted email domain"
    user = db.session.scalar(select(User).where(User.email == "sam.okafor@example.nhs.uk"))
    assert user.password_hash is None and user.email_verified_at is None
    assert "approved" in smtp_server.last_to(user.email)["Subject"]


def test_the_review_queue_services_take_the_actor(app):
    make_admin()
    request_ = JoinRequest(
        display_name="Dr Q", email="q@example.org", job_title="GP", organisation="X", reason="Y"
    )
    db.session.add(request_)
    db.session.commit()
    member = make_user()
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):
        join_requests.approve_join_request(member, request_)
    user = join_requests.approve_join_request(make_moderator(), request_)
    db.session.commit()
    assert request_.status == "approved" and request_.user_id == user.id


def test_join_decisions_are_audited(app, client, staff_client, reload):
    _ask(client)
    _ask(client, email="other@example.org")
    reload()
    first, second = db.session.scalars(select(JoinRequest).order_by(JoinRequest.id)).all()
    staff_client.post(f"/admin/join-requests/{first.id}/approve")
    staff_client.post(f"/admin/join-requests/{second.id}/reject", data={"reason": "Not a GP"})
    reload()
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"join_request.approve", "join_request.reject"} <= actions


def test_signed_in_members_are_sent_home_from_register(app, client):
    sign_in(client, make_user())
    assert client.get("/register").status_code == 302
