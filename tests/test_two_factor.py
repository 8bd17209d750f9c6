"""Two-factor sign-in: set-up from a server-drawn QR code, the second step, recovery codes,
and staff pages closed until it is on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, User
from tests.factories import (
    PASSWORD,
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_user,
    sign_in,
    totp_code,
    with_two_factor,
)


@pytest.fixture
def staff_2fa_required(app):
    app.config["STAFF_2FA_REQUIRED"] = True


def _password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def _secret_from_setup_page(page: bytes) -> str:
    text = page.decode()
    start = text.index('class="secret-key">') + len('class="secret-key">')
    return text[start : text.index("<", start)]


@pytest.mark.parametrize("prefix", ["/admin/", "/admin/members", "/mod/", "/mod/queue"])
def test_a_moderator_cannot_reach_staff_pages_until_2fa_is_set_up(
    app, client, staff_2fa_required, prefix
):
    sign_in(client, make_moderator())
    response = client.get(prefix)
    assert response.status_code == 302
    assert response.location.startswith("/account/2fa?next=")


def test_a_category_moderator_also_needs_2fa_for_the_moderation_pages(
    app, client, staff_2fa_required
):
    sign_in(client, make_category_moderator(make_category()))
    response = client.get("/mod/queue")
    assert response.status_code == 302
    assert response.location.startswith("/account/2fa?next=")


def test_setting_up_2fa_opens_the_staff_pages(app, client, staff_2fa_required, reload):
    moderator = make_moderator()
    sign_in(client, moderator)
    setup = client.get("/account/2fa?next=/admin/")
    assert setup.status_code == 200
    assert b'src="data:image/svg+xml' in setup.data
    secret = _secret_from_setup_page(setup.data)

    wrong = client.post("/account/2fa?next=/admin/", data={"code": "000000"})
    assert wrong.status_code == 422
    done = client.post("/account/2fa?next=/admin/", data={"code": totp_code(secret)})
    assert done.status_code == 200
    assert b"They will not be shown again" in done.data
    assert done.data.count(b"<li><code>") == 10
    assert client.get("/admin/").status_code == 200
    reload()
    assert db.session.get(User, moderator.id).totp_secret == secret


def test_members_are_not_forced_to_use_2fa(app, client, staff_2fa_required):
    sign_in(client, make_user())
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 404


def test_sign_in_asks_for_the_code_before_signing_in(app, client, reload):
    user = make_user()
    secret, _codes = with_two_factor(user)
    step_one = _password_step(client, user)
    assert step_one.status_code == 302 and step_one.location == "/login/2fa"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.post("/login/2fa", data={"code": "123456"}).status_code == 422
    assert client.post("/login/2fa", data={"code": totp_code(secret)}).status_code == 302
    assert client.get("/").status_code == 200
    reload()
    methods = db.session.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "auth.sign_in")
    ).all()
    assert {"method": "totp"} in methods
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "auth.2fa_failed"))


def test_a_totp_code_works_only_once(app, reload):
    user = make_user()
    secret, _codes = with_two_factor(user)
    code = totp_code(secret)
    first = app.test_client()
    _password_step(first, user)
    assert first.post("/login/2fa", data={"code": code}).status_code == 302
    second = app.test_client()
    _password_step(second, user)
    assert second.post("/login/2fa", data={"code": code}).status_code == 422


def test_a_recovery_code_works_once(app):
    user = make_user()
    _secret, codes = with_two_factor(user)
    first = app.test_client()
    _password_step(first, user)
    assert first.post("/login/2fa", data={"code": codes[0].upper()}).status_code == 302
    second = app.test_client()
    _password_step(second, user)
    assert second.post("/login/2fa", data={"code": codes[0]}).status_code == 422
    assert second.post("/login/2fa", data={"code": codes[1]}).status_code == 302


def test_too_many_wrong_codes_end_the_attempt(app, client):
    user = make_user()
    with_two_factor(user)
    _password_step(client, user)
    for _ in range(4):
        assert client.post("/login/2fa", data={"code": "111111"}).status_code == 422
    response = client.post("/login/2fa", data={"code": "111111"})
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/login/2fa").status_code == 302


def test_the_second_step_without_a_password_step_goes_back_to_sign_in(app, client):
    response = client.get("/login/2fa")
    assert response.status_code == 302 and response.location == "/login"


def test_members_can_turn_2fa_off_with_their_password_but_staff_cannot(
    app, staff_2fa_required, reload
):
    member = make_user()
    secret, _ = with_two_factor(member)
    client = app.test_client()
    _password_step(client, member)
    client.post("/login/2fa", data={"code": totp_code(secret)})
    assert client.post("/account/2fa/disable", data={"password": "wrong"}).status_code == 422
    assert client.post("/account/2fa/disable", data={"password": PASSWORD}).status_code == 302
    reload()
    assert db.session.get(User, member.id).totp_secret is None

    moderator = make_moderator()
    secret, _ = with_two_factor(moderator)
    staff = app.test_client()
    _password_step(staff, moderator)
    staff.post("/login/2fa", data={"code": totp_code(secret)})
    refused = staff.post("/account/2fa/disable", data={"password": PASSWORD})
    assert refused.status_code == 422
    assert b"must keep two-factor" in refused.data


def test_new_recovery_codes_replace_the_old_ones(app):
    user = make_user()
    secret, old_codes = with_two_factor(user)
    client = app.test_client()
    _password_step(client, user)
    client.post("/login/2fa", data={"code": totp_code(secret)})
    page = client.post("/account/2fa/recovery-codes", data={"password": PASSWORD})
    assert page.status_code == 200 and page.data.count(b"<li><code>") == 10
    again = app.test_client()
    _password_step(again, user)
    assert again.post("/login/2fa", data={"code": old_codes[1]}).status_code == 422


def test_an_admin_resets_a_lost_phone_and_it_is_audited(app, staff_2fa_required, reload):
    member = make_user()
    with_two_factor(member)
    admin = make_admin()
    secret, _ = with_two_factor(admin)
    client = app.test_client()
    _password_step(client, admin)
    client.post("/login/2fa", data={"code": totp_code(secret)})
    response = client.post(f"/admin/members/{member.id}/reset-2fa", data={"reason": "Lost phone"})
    assert response.status_code == 302
    reload()
    assert db.session.get(User, member.id).totp_secret is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"2fa.enable", "2fa.reset_by_staff"} <= actions


def test_2fa_changes_are_audited(app, client, reload):
    user = make_user()
    sign_in(client, user)
    secret = _secret_from_setup_page(client.get("/account/2fa").data)
    client.post("/account/2fa", data={"code": totp_code(secret)})
    client.post("/account/2fa/disable", data={"password": PASSWORD})
    reload()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("2fa.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["2fa.enable", "2fa.disable"]
