"""Signing in and out, the sign-in gate, sessions that end everywhere at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, User
from tests.factories import PASSWORD, make_thread, make_user, sign_in


def test_anonymous_visitors_are_sent_to_sign_in_with_next(client, app):
    response = client.get("/c/anything?page=2")
    assert response.status_code == 302
    assert response.location == "/login?next=/c/anything?page%3D2"


def test_anonymous_json_requests_get_401(client, app):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == 401


def test_healthz_and_login_are_public(client, app):
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_member_signs_in_and_lands_on_next(client, app):
    member = make_user()
    response = client.post(
        "/login?next=/account", data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/account"
    assert client.get("/").status_code == 200


def test_email_is_case_insensitive(client, app):
    member = make_user(email="Asha@Example.org")
    response = client.post("/login", data={"email": "ASHA@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert member.email == "asha@example.org"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(client, app, next_url):
    member = make_user()
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": member.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_wrong_password_and_unknown_account_answer_the_same(client, app):
    member = make_user()
    wrong = client.post("/login", data={"email": member.email, "password": "not the password!"})
    unknown = client.post(
        "/login", data={"email": "nobody@example.org", "password": "not the password!"}
    )
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.data.replace(member.email.encode(), b"@") == unknown.data.replace(
        b"nobody@example.org", b"@"
    )
    assert b"do not match an active account" in wrong.data


def test_failed_form_keeps_the_email_typed(client, app):
    response = client.post("/login", data={"email": "someone@example.org", "password": "x"})
    assert b'value="someone@example.org"' in response.data


def test_sign_in_and_failures_are_audited(client, app, reload):
    member = make_user()
    client.post("/login", data={"email": member.email, "password": "wrong password here"})
    sign_in(client, member)
    reload()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["auth.sign_in_failed", "auth.sign_in"]


def test_deactivated_member_cannot_sign_in(client, app):
    from forum.models import utcnow

    member = make_user(deactivated_at=utcnow())
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 422


def test_sign_out_ends_the_session(client, app):
    sign_in(client, make_user())
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions_and_remember_cookies(app, reload):
    member = make_user()
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    sign_in(phone, member)
    assert phone.get("/").status_code == 200
    assert laptop.post("/account/sign-out-everywhere").status_code == 302
    assert phone.get("/").status_code == 302
    laptop_again = app.test_client()
    remember = laptop.get_cookie("remember_token")
    if remember is not None:
        laptop_again.set_cookie("remember_token", remember.value)
    assert laptop_again.get("/").status_code == 302


def test_password_change_signs_out_other_devices(app, reload):
    member = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, member)
    sign_in(phone, member)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    phone.post("/login", data={"email": member.email, "password": "a brand new passphrase"})
    assert phone.get("/").status_code == 200


def test_password_change_refuses_a_wrong_current_password(client, app):
    sign_in(client, make_user())
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong one entirely",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert b"current password is not right" in response.data


def test_a_deactivated_members_open_session_is_refused_on_the_next_request(client, app, reload):
    from forum.models import utcnow

    member = make_user()
    sign_in(client, member)
    make_thread()
    member.deactivated_at = utcnow()
    db.session.commit()
    assert client.get("/").status_code == 302


def test_passwords_are_argon2id_hashes(app):
    member = make_user()
    stored = db.session.scalar(select(User.password_hash).where(User.id == member.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_create_user_cli_reads_the_password_from_stdin(app, reload):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "forum",
            "create-user",
            "lead@example.org",
            "--name",
            "Dr Lead",
            "--role",
            "moderator",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    reload()
    user = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    assert user.role == "moderator"
    client = app.test_client()
    sign_in(client, user, "a long enough password")


def test_create_user_cli_refuses_a_short_password_clearly(app):
    result = app.test_cli_runner().invoke(
        args=["forum", "create-user", "x@example.org", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
