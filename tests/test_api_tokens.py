"""Personal access tokens: made and shown once, stored hashed, used as Bearer on /api/ only,
revoked by hand and by every way a member's sessions end."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import ApiToken, utcnow
from forum.services.membership import accounts, api_tokens
from forum.services.membership import data as member_data
from forum.services.moderation import members as moderated
from tests.factories import PASSWORD, make_admin, make_moderator, make_user, sign_in


def _token(user, scopes=("read",), days=30) -> str:
    db.session.commit()  # end this test's read, so its write sees the requests' commits
    made = api_tokens.create_token(
        user, user, name="Script", scopes=list(scopes), expires_in_days=days
    )
    db.session.commit()
    return made.secret


def _me(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_a_token_is_shown_once_and_kept_only_as_its_hash(client):
    member = make_user()
    sign_in(client, member)
    page = client.post(
        "/account/tokens", data={"name": "Dashboard", "scopes": ["read"], "expires_in": "30"}
    )
    assert page.status_code == 200
    secret = re.search(r'value="(gpf_[A-Za-z0-9_-]+)"', page.get_data(as_text=True)).group(1)
    db.session.commit()
    row = db.session.scalars(db.select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.hint, row.name, row.scopes)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Dashboard" in listing and secret not in listing and "Never used" in listing


def test_moderate_is_offered_to_staff_only(app, client):
    member = make_user()
    sign_in(client, member)
    assert 'value="moderate"' not in client.get("/account/tokens").get_data(as_text=True)
    refused = client.post(
        "/account/tokens", data={"name": "X", "scopes": ["moderate"], "expires_in": "30"}
    )
    assert refused.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
    staff = app.test_client()
    sign_in(staff, make_moderator())
    assert 'value="moderate"' in staff.get("/account/tokens").get_data(as_text=True)


def test_a_bearer_token_signs_in_the_api_without_a_cookie_and_notes_its_use(client):
    member = make_user()
    secret = _token(member)
    response = _me(client, secret)
    assert response.status_code == 200
    assert response.json["username"] == member.username
    assert response.json["scopes"] == ["read"]
    assert "Set-Cookie" not in response.headers
    db.session.commit()
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at is not None


def test_a_token_does_not_open_the_pages(client):
    secret = _token(make_user())
    page = client.get("/account/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert page.status_code == 302  # to the sign-in page: tokens are for /api/ only


@pytest.mark.parametrize("secret", ["", "gpf_unknown", "not-a-token", "gpf_" + "x" * 300])
def test_an_unknown_token_is_401_problem(client, secret):
    response = _me(client, secret)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_revoked_and_expired_tokens_stop_at_once(client):
    member = make_user()
    secret = _token(member)
    token = db.session.scalars(db.select(ApiToken)).one()
    sign_in(client, member)
    client.post(f"/account/tokens/{token.id}/revoke")
    assert _me(client, secret).status_code == 401
    other = _token(member)
    db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _me(client, other).status_code == 401


def test_a_member_cannot_revoke_anothers_token(client):
    """The revoke button of another member's token does nothing."""
    owner, other = make_user(), make_user()
    secret = _token(owner)
    token = db.session.scalars(db.select(ApiToken)).one()
    sign_in(client, other)
    client.post(f"/account/tokens/{token.id}/revoke")
    assert _me(client, secret).status_code == 200


@pytest.mark.parametrize("ending", ["sign_out_everywhere", "suspension", "ban", "deletion"])
def test_every_way_sessions_end_revokes_tokens(client, ending):
    member = make_user()
    secret = _token(member)
    assert _me(client, secret).status_code == 200
    admin = make_admin()
    if ending == "sign_out_everywhere":
        accounts.end_all_sessions(member, member)
    elif ending == "suspension":
        moderated.suspend_member(admin, member, reason="Rude", until=utcnow() + timedelta(days=1))
    elif ending == "ban":
        moderated.ban_member(admin, member, reason="Spam")
    else:
        member_data.delete_own_account(member, member, password=PASSWORD)
    db.session.commit()
    assert _me(client, secret).status_code == 401
    db.session.commit()
    assert all(t.revoked_at is not None for t in db.session.scalars(db.select(ApiToken)))


def test_session_writes_to_the_api_need_the_csrf_header(app, client, monkeypatch):
    member = make_user()
    sign_in(client, member)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post("/api/v1/notifications/read", json={"all": True})
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    secret = _token(member, scopes=("read", "write"))
    allowed = client.post(
        "/api/v1/notifications/read",
        json={"all": True},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert allowed.status_code == 204
