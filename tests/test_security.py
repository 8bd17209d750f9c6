"""Security defaults: headers, CSRF, cookies, production refusing to start unsafely."""

from __future__ import annotations

import re

import pytest

from forum import create_app
from forum.web.security import safe_next_url
from tests.conftest import build_app
from tests.factories import PASSWORD, make_thread, make_user


def test_every_page_sends_a_strict_content_security_policy(app, client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(app, client):
    html = client.get("/login").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)


@pytest.fixture
def csrf_app(database_url):
    app = build_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def test_a_post_without_csrf_token_is_refused_with_a_clear_page(app, csrf_app):
    member = make_user()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"nothing was saved" in response.data


def test_the_real_form_flow_with_csrf_works(app, csrf_app):
    member = make_user()
    thread = make_thread()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "no token"}).status_code == 400
    ok = client.post(f"/t/{thread.id}/reply", data={"body": "with token", "csrf_token": token})
    assert ok.status_code == 302


def test_session_cookie_is_httponly_and_lax(app, client):
    member = make_user()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key_or_database(monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    monkeypatch.delenv("FORUM_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("config.ProductionConfig")
    monkeypatch.setenv("FORUM_SECRET_KEY", "x" * 40)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("config.ProductionConfig")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("FORUM_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FORUM_DATABASE_URL", "sqlite:///:memory:")
    app = create_app("config.ProductionConfig")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_environment_overrides_any_setting(monkeypatch):
    monkeypatch.setenv("FORUM_WTF_CSRF_ENABLED", "false")
    monkeypatch.setenv("FORUM_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORUM_POSTS_PER_PAGE", "7")
    app = create_app("config.DevelopmentConfig", SQLALCHEMY_DATABASE_URI="sqlite:///:memory:")
    assert app.config["WTF_CSRF_ENABLED"] is False
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["POSTS_PER_PAGE"] == 7


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/t/1", "/t/1"),
        ("/c/x?page=2", "/c/x?page=2"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("http:///evil.example", "/"),
        ("\njavascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_url(target, expected):
    assert safe_next_url(target) == expected


def test_sign_in_is_rate_limited(database_url):
    app = build_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    codes = [
        client.post(
            "/login", data={"email": "a@example.org", "password": "wrong wrong"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert b"slow down" in response.data
