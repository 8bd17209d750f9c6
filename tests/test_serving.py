"""Serving in production: request ids, JSON logs, the trusted proxy count, health checks."""

from __future__ import annotations

import json
import logging
import os

import pytest

from forum.web.serving import JsonFormatter
from tests.conftest import build_app
from tests.factories import make_user, sign_in


def test_every_response_carries_a_new_request_id(app, client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept(app, client):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-0f3a9c2b7e"})
    assert response.headers["X-Request-ID"] == "nginx-0f3a9c2b7e"


@pytest.mark.parametrize("sent", ["short", "has spaces in it", "x" * 200, "<script>alert(1)"])
def test_a_malformed_request_id_is_replaced(app, client, sent):
    returned = client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert returned != sent and len(returned) == 32


@pytest.fixture(autouse=True)
def access_log_enabled() -> None:
    # Alembic's logging setup (run by the migrations at the start of the session) disables
    # loggers that existed before it; a server process never runs migrations.
    logging.getLogger("forum.access").disabled = False


def _json_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def test_access_lines_are_json_with_the_request_id_and_no_query_string(app, client, caplog):
    sign_in(client, make_user())
    with caplog.at_level(logging.INFO, logger="forum.access"):
        client.get("/search?q=nhs+number+943+476+5919", headers={"X-Request-ID": "req-12345678"})
    (line,) = [e for e in _json_lines(caplog) if e["logger"] == "forum.access"]
    assert line["request_id"] == "req-12345678"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/search", 200)
    assert line["user_id"] is not None and line["duration_ms"] >= 0
    assert "943" not in json.dumps(line)


def test_other_log_lines_written_during_a_request_carry_its_id(app, caplog):
    with app.test_request_context(headers={"X-Request-ID": "req-abcdefgh"}):
        with caplog.at_level(logging.WARNING):
            logging.getLogger("forum.test").warning("something odd", extra={"thread_id": 7})
        (line,) = [e for e in _json_lines(caplog) if e["logger"] == "forum.test"]
    assert line["request_id"] == "req-abcdefgh" and line["thread_id"] == 7
    assert line["level"] == "WARNING" and line["message"] == "something odd"


def _remote_addr_logged(app, caplog: pytest.LogCaptureFixture, **headers: str) -> str:
    with caplog.at_level(logging.INFO, logger="forum.access"):
        app.test_client().get("/healthz", headers=headers)
    return next(e for e in _json_lines(caplog) if e["logger"] == "forum.access")["remote_addr"]


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(app, caplog):
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    assert _remote_addr_logged(app, caplog, **forwarded) == "127.0.0.1"


def test_forwarded_for_is_believed_from_the_configured_proxies(app, caplog):
    proxied = build_app(app.config["SQLALCHEMY_DATABASE_URI"], PROXY_COUNT=1)
    forwarded = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7"}
    assert _remote_addr_logged(proxied, caplog, **forwarded) == "203.0.113.7"


def test_readiness_reports_the_database(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok"}


def test_readiness_fails_with_503_when_redis_is_down(app):
    down = build_app(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL="redis://127.0.0.1:9/0")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unavailable",
    }


def test_readiness_with_redis_up(app):
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FORUM_TEST_REDIS_URL to check readiness against a real Redis")
    ready = build_app(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=url)
    response = ready.test_client().get("/readyz")
    assert response.status_code == 200 and response.get_json()["redis"] == "ok"


def test_liveness_needs_nothing(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_stylesheets_and_scripts_are_compressed_pages_are_not(app, client):
    import brotli

    sign_in(client, make_user())
    asked = {"Accept-Encoding": "br, gzip"}
    for path in ("/static/css/forum.css", "/static/js/composer.js"):
        response = client.get(path, headers=asked)
        assert response.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in response.headers["Vary"]
        plain = client.get(path).data
        assert brotli.decompress(response.data) == plain and len(response.data) < len(plain) / 2
    # A page holds the CSRF token beside what the member typed: compressed, its size would
    # leak the token a character at a time (BREACH). Pages go out as they are.
    page = client.get("/search?q=referral", headers=asked)
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
