"""Staff invitations: one at a time, the cohort CSV, resend and revoke, the CLI; accepting."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, Invitation, User, utcnow
from tests.factories import PASSWORD, make_admin, make_moderator, make_user, sign_in
from tests.mail_server import html_of, links_in

NEW_PASSWORD = "plain autumn ledger kettle"


def _invite(client, **data):
    form = {"display_name": "Dr Nia Evans", "email": "nia@example.nhs.uk", "role": "member"}
    form.update(data)
    return client.post("/admin/invitations", data=form)


def _invite_link(smtp_server, email: str = "nia@example.nhs.uk") -> str:
    [link] = [u for u in links_in(smtp_server.last_to(email)) if "/invite/" in u]
    return link


def _path(link: str) -> str:
    return urlsplit(link).path


@pytest.fixture
def staff(app, client):
    admin = make_admin(name="Alex Admin")
    sign_in(client, admin)
    return admin


def test_invitation_email_arrives_and_its_link_creates_the_account_and_signs_in(
    app, client, staff, smtp_server, reload
):
    smtp_server.configure(app)
    response = _invite(client, role="moderator", alliance="Wessex")
    assert response.status_code == 302

    message = smtp_server.last_to("nia@example.nhs.uk")
    assert "invited" in message["Subject"]
    link = _invite_link(smtp_server)
    assert link.startswith(app.config["BASE_URL"] + "/invite/")
    assert link in html_of(message)

    visitor = app.test_client()
    page = visitor.get(_path(link))
    assert page.status_code == 200
    assert b"Dr Nia Evans" in page.data
    done = visitor.post(
        _path(link),
        data={"display_name": "Dr Nia Evans", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert visitor.get("/").status_code == 200  # signed in

    reload()
    user = db.session.scalar(select(User).where(User.email == "nia@example.nhs.uk"))
    assert (user.role, user.alliance) == ("moderator", "Wessex")
    assert user.email_verified_at is not None
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_at is not None and invitation.user_id == user.id


def test_a_used_invitation_link_is_refused_with_a_clear_page(app, client, staff, smtp_server):
    smtp_server.configure(app)
    _invite(client)
    path = _path(_invite_link(smtp_server))
    data = {"display_name": "Nia", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert app.test_client().post(path, data=data).status_code == 302

    again = app.test_client().get(path)
    assert again.status_code == 400
    assert b"expired or has already been used" in again.data


def test_an_expired_invitation_link_is_refused(app, client, staff, smtp_server, reload):
    smtp_server.configure(app)
    _invite(client)
    path = _path(_invite_link(smtp_server))
    reload()
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 400
    assert b"This link cannot be used" in response.data


def test_invitations_last_28_days(app, client, staff, smtp_server, reload):
    smtp_server.configure(app)
    _invite(client)
    reload()
    invitation = db.session.scalar(select(Invitation))
    assert invitation.expires_at - invitation.created_at == timedelta(days=28)


def test_an_unknown_invitation_token_is_refused(app, client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 400


def test_accepting_refuses_a_common_password_and_keeps_the_name(app, client, staff, smtp_server):
    smtp_server.configure(app)
    _invite(client)
    path = _path(_invite_link(smtp_server))
    response = app.test_client().post(
        path,
        data={"display_name": "Dr Nia E", "password": "password1234", "confirm": "password1234"},
    )
    assert response.status_code == 422
    assert b"too common" in response.data
    assert b'value="Dr Nia E"' in response.data


def test_resend_sends_a_new_link_and_the_old_one_stops_working(
    app, client, staff, smtp_server, reload
):
    smtp_server.configure(app)
    _invite(client)
    old = _path(_invite_link(smtp_server))
    reload()
    invitation = db.session.scalar(select(Invitation))
    assert client.post(f"/admin/invitations/{invitation.id}/resend").status_code == 302
    new = _path(_invite_link(smtp_server))
    assert new != old
    assert app.test_client().get(old).status_code == 400
    assert app.test_client().get(new).status_code == 200
    reload()
    assert db.session.scalar(select(Invitation)).send_count == 2


def test_revoked_invitations_stop_working(app, client, staff, smtp_server, reload):
    smtp_server.configure(app)
    _invite(client)
    path = _path(_invite_link(smtp_server))
    reload()
    invitation = db.session.scalar(select(Invitation))
    assert client.post(f"/admin/invitations/{invitation.id}/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 400
    listing = client.get("/admin/invitations?state=revoked")
    assert b"nia@example.nhs.uk" in listing.data


def test_inviting_an_existing_member_is_refused_on_the_form(app, client, staff, smtp_server):
    smtp_server.configure(app)
    make_user(email="taken@example.org")
    response = _invite(client, email="taken@example.org", display_name="Someone")
    assert response.status_code == 422
    assert b"already a member" in response.data
    assert b'value="Someone"' in response.data


def test_cohort_csv_invites_every_good_row_and_reports_bad_ones(
    app, client, staff, smtp_server, reload
):
    smtp_server.configure(app)
    make_user(email="already@example.org")
    csv_text = (
        "name,email,role,alliance\n"
        "Dr One,one@example.nhs.uk,member,Wessex Cancer Alliance\n"
        "Dr Two,two@example.nhs.uk,,Greater Manchester\n"
        "Dr Three,already@example.org,member,\n"
        "Dr Four,not-an-email,member,\n"
        "Dr Five,five@example.nhs.uk,wizard,\n"
    )
    from io import BytesIO

    response = client.post(
        "/admin/invitations/import",
        data={"file": (BytesIO(csv_text.encode()), "cohort.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 invited, 3 not invited" in page
    assert "already a member" in page and "Unknown role" in page
    reload()
    invited = {i.email: i for i in db.session.scalars(select(Invitation))}
    assert set(invited) == {"one@example.nhs.uk", "two@example.nhs.uk"}
    assert invited["one@example.nhs.uk"].alliance == "Wessex"
    assert {m["To"] for m in smtp_server.messages} == {"one@example.nhs.uk", "two@example.nhs.uk"}


def test_a_csv_without_a_header_is_refused_clearly(app, client, staff):
    from io import BytesIO

    response = client.post(
        "/admin/invitations/import",
        data={"file": (BytesIO(b"Dr One,one@example.org\n"), "cohort.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"must name the columns" in response.data


def test_moderators_invite_members_but_not_staff(app, smtp_server):
    smtp_server.configure(app)
    moderator = make_moderator()
    from tests.factories import with_two_factor

    with_two_factor(moderator)
    client = app.test_client()
    from forum.models import User as U

    db.session.commit()
    # sign in through both steps
    client.post("/login", data={"email": moderator.email, "password": PASSWORD})
    from tests.factories import totp_code

    secret = db.session.get(U, moderator.id).totp_secret
    assert client.post("/login/2fa", data={"code": totp_code(secret)}).status_code == 302
    assert _invite(client, email="m@example.org").status_code == 302
    assert _invite(client, email="a@example.org", role="admin").status_code == 403


def test_members_cannot_see_staff_pages(app, client):
    sign_in(client, make_user())
    assert client.get("/admin/invitations").status_code == 404
    assert _invite(client).status_code == 404


def test_invitation_actions_are_audited(app, client, staff, smtp_server, reload):
    smtp_server.configure(app)
    _invite(client)
    reload()
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/admin/invitations/{invitation.id}/resend")
    client.post(f"/admin/invitations/{invitation.id}/revoke")
    reload()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("invitation.%"))
    ).all()
    assert sorted(actions) == ["invitation.create", "invitation.resend", "invitation.revoke"]


def test_cli_invite_prints_the_link(app, smtp_server, reload):
    smtp_server.configure(app)
    result = app.test_cli_runner().invoke(
        args=["forum", "invite", "cli@example.org", "--name", "Dr Cli", "--role", "member"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith(app.config["BASE_URL"] + "/invite/")
    assert _invite_link(smtp_server, "cli@example.org") == link
    assert app.test_client().get(_path(link)).status_code == 200


def test_cli_invite_refuses_an_existing_member(app):
    make_user(email="here@example.org")
    result = app.test_cli_runner().invoke(
        args=["forum", "invite", "here@example.org", "--name", "X"]
    )
    assert result.exit_code != 0
    assert "already a member" in result.output


def test_links_use_the_configured_address_not_the_host_header(app, smtp_server):
    smtp_server.configure(app)
    app.config["BASE_URL"] = "https://forum.example.nhs.uk"
    admin = make_admin()
    client = app.test_client()
    evil = "http://evil.example"
    login = {"email": admin.email, "password": PASSWORD}
    assert client.post("/login", data=login, base_url=evil).status_code == 302
    response = client.post(
        "/admin/invitations",
        data={"display_name": "Dr H", "email": "h@example.org", "role": "member"},
        base_url=evil,
    )
    assert response.status_code == 302
    link = _invite_link(smtp_server, "h@example.org")
    assert link.startswith("https://forum.example.nhs.uk/invite/")
