"""Password reset, password rules and sign-in throttling: no account enumeration."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from forum.extensions import db
from forum.models import OutboxMessage, User
from forum.services.membership import accounts
from tests.factories import PASSWORD, make_user, sign_in
from tests.mail_server import links_in

NEW_PASSWORD = "granite meadow lantern quill"
TRIES = 20


def _reset_path(smtp_server, email: str) -> str:
    [link] = [u for u in links_in(smtp_server.last_to(email)) if "/reset/" in u]
    return urlsplit(link).path


def _mask(body: bytes, email: str) -> str:
    text = body.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]*"', "", text)


def test_password_reset_end_to_end_ends_other_sessions(app, smtp_server, reload):
    smtp_server.configure(app)
    user = make_user(email="reset.me@example.org")
    other_device = app.test_client()
    sign_in(other_device, user)
    client = app.test_client()
    assert client.post("/reset", data={"email": "Reset.Me@example.org"}).status_code == 200
    message = smtp_server.last_to("reset.me@example.org")
    assert message["Subject"] == "Reset your password"
    path = _reset_path(smtp_server, "reset.me@example.org")

    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # signed in with the new password
    assert other_device.get("/").status_code == 302  # the other session has ended

    sign_in(app.test_client(), user, NEW_PASSWORD)
    old = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 422


def test_a_used_reset_link_is_refused_with_a_clear_page(app, smtp_server):
    smtp_server.configure(app)
    make_user(email="once@example.org")
    client = app.test_client()
    client.post("/reset", data={"email": "once@example.org"})
    path = _reset_path(smtp_server, "once@example.org")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = app.test_client().get(path)
    assert again.status_code == 400
    assert b"expired or has already been used" in again.data
    assert b"Get a new password link" in again.data


def test_an_expired_reset_link_is_refused(app):
    token = accounts.password_link_token(make_user())
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="forum.reset").loads(token)
    response = app.test_client().get(f"/reset/{_expired(app, payload)}")
    assert response.status_code == 400
    assert b"This link cannot be used" in response.data
    assert app.test_client().get(f"/reset/{token}").status_code == 200


def _expired(app, payload) -> str:
    """A correctly signed token whose timestamp is three hours old."""
    from itsdangerous import TimestampSigner

    class OldSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(super().get_timestamp() - timedelta(hours=3).total_seconds())

    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="forum.reset", signer=OldSigner
    )
    return serializer.dumps(payload)


def test_a_tampered_reset_link_is_refused(app):
    token = accounts.password_link_token(make_user())
    assert app.test_client().get(f"/reset/{token[:-2]}xx").status_code == 400


def test_reset_answers_the_same_for_known_and_unknown_addresses(
    app, smtp_server, count_queries, reload
):
    smtp_server.configure(app)
    make_user(email="known@example.org")
    client = app.test_client()
    client.get("/reset")
    answers, counts = {}, {}
    for email in ("known@example.org", "unknown@example.org"):
        responses, statements = [], []
        for _ in range(TRIES):
            with count_queries() as queries:
                response = client.post("/reset", data={"email": email})
            responses.append((response.status_code, _mask(response.data, email)))
            statements.append(queries.count)
        assert len(set(responses)) == 1
        answers[email], counts[email] = responses[0], set(statements)
    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][0] == 200
    # The same work either way: one look-up, one queued email (no extra token rows).
    assert counts["known@example.org"] == counts["unknown@example.org"]
    reload()
    sent = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sent.count("known@example.org") == sent.count("unknown@example.org") == TRIES
    assert (
        "no active account" in smtp_server.last_to("unknown@example.org").get_body().get_content()
    )


def test_sign_in_answers_the_same_for_known_and_unknown_addresses(app, count_queries):
    make_user(email="known@example.org")
    client = app.test_client()
    answers, counts = {}, {}
    for email in ("known@example.org", "unknown@example.org"):
        responses, statements = set(), set()
        for _ in range(TRIES):
            with count_queries() as queries:
                response = client.post("/login", data={"email": email, "password": "wrong " * 3})
            responses.add((response.status_code, _mask(response.data, email)))
            statements.add(queries.count)
        assert len(responses) == 1
        answers[email], counts[email] = responses.pop(), statements
    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][0] == 422
    assert counts["known@example.org"] == counts["unknown@example.org"]


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short", False),
        ("password1234", False),
        ("Password1234", False),
        ("qwertyuiop123", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("correct horse battery staple", True),
        ("x" * 11 + "yz", False),
        ("ünïcödé phrase wörks", True),
        ("a1c" + "b" * 997, True),
        ("a1c" + "b" * 998, False),
    ],
)
def test_password_rules(app, password, ok):
    if ok:
        accounts.check_password_rules(password)
    else:
        with pytest.raises(accounts.ServiceError):
            accounts.check_password_rules(password)


def test_common_password_list_is_shipped_and_long(app):
    common = accounts.common_passwords()
    assert len(common) > 1000
    assert all(len(p) >= 12 for p in common)
    assert "password1234" in common


def test_reset_form_refuses_a_common_password_and_mismatch(app, smtp_server):
    smtp_server.configure(app)
    make_user(email="rules@example.org")
    client = app.test_client()
    client.post("/reset", data={"email": "rules@example.org"})
    path = _reset_path(smtp_server, "rules@example.org")
    common = client.post(path, data={"password": "iloveyou1234", "confirm": "iloveyou1234"})
    assert common.status_code == 422 and b"too common" in common.data
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "different words"})
    assert mismatch.status_code == 422 and b"do not match" in mismatch.data


class TestThrottling:
    @pytest.fixture
    def limited(self, app, database_url):
        """The same database served by an app with rate limits on (memory storage)."""
        from tests.conftest import build_app

        limited = build_app(database_url, RATELIMIT_ENABLED=True)
        yield limited
        with limited.app_context():
            db.engine.dispose()

    def _fail(self, app, email: str, n: int) -> int:
        response = app.test_client().post(
            "/login",
            data={"email": email, "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        return response.status_code

    def test_one_account_is_throttled_across_client_addresses(self, app, limited):
        make_user(email="target@example.org")
        statuses = [self._fail(limited, "target@example.org", n) for n in range(7)]
        assert statuses == [422] * 5 + [429, 429]
        other = self._fail(limited, "someone.else@example.org", 99)
        assert other == 422  # other accounts are not affected

    def test_unknown_accounts_are_throttled_the_same_way(self, app, limited):
        statuses = [self._fail(limited, "ghost@example.org", n) for n in range(7)]
        assert statuses == [422] * 5 + [429, 429]


def test_deleted_users_get_the_no_account_email(app, smtp_server):
    smtp_server.configure(app)
    user = make_user(email="gone@example.org")
    user.deactivated_at = user.created_at
    db.session.commit()
    app.test_client().post("/reset", data={"email": "gone@example.org"})
    assert "/reset/" not in smtp_server.last_to("gone@example.org").get_body().get_content()
    assert db.session.get(User, user.id) is not None
