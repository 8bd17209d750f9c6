"""A locked or restarting database gives a 503 with Retry-After, never a traceback, and the
forum recovers by itself once the database is back.

The shared PostgreSQL server is never restarted: a TCP proxy on loopback stands between the
app and it, and stopping the proxy is the app's view of a database going down. Cutting the
app's own connections with ``pg_terminate_backend`` plays a restart that is already over.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import make_thread
from tests.reliability.conftest import bodies_stored
from tests.reliability.servers import SERVER_APPLICATION_NAME, Browser, Reply, TcpProxy

pytestmark = pytest.mark.reliability

#: Bounded retries after the database is back: the forum must recover without a restart.
RECOVERY_ATTEMPTS = 20


def assert_unavailable(reply: Reply) -> None:
    assert reply.status == 503, f"{reply.status}: {reply.text[:300]}"
    assert reply.headers.get("retry-after", "").isdigit()
    assert "Traceback" not in reply.text and "OperationalError" not in reply.text
    assert "try again in a moment" in reply.text


def _recovers(request) -> Reply:
    for _ in range(RECOVERY_ATTEMPTS):
        reply = request()
        if reply.status != 503:
            return reply
    return reply


@contextmanager
def _lock(database_url: str, dialect: str, thread_id: int):
    if dialect == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            lock = text("SELECT 1 FROM threads WHERE id = :id FOR NO KEY UPDATE")
            connection.execute(lock, {"id": thread_id})
            yield
    finally:
        engine.dispose()


def test_locked_database_gives_503_then_recovers(start_server, members, browser_for, dialect):
    thread = make_thread()
    server = start_server(workers=2, sqlite_busy_timeout_ms=300, database_lock_timeout_ms=300)
    browser = browser_for(server, members(1)[0])
    with _lock(server.database_url, dialect, thread.id):
        assert_unavailable(browser.reply_to(thread.id, "Sent while locked."))
        assert browser.get("/").status == 200  # reading goes on meanwhile
    assert _recovers(lambda: browser.reply_to(thread.id, "Sent after the lock.")).status == 302
    stored = bodies_stored(thread.id)
    assert "Sent while locked." not in stored and stored["Sent after the lock."] == 1


@pytest.fixture
def postgres(dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("a database server restarting: PostgreSQL only (SQLite is a file)")


def _through(proxy: TcpProxy, database_url: str) -> str:
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def test_database_going_down_gives_503_and_coming_back_recovers(
    postgres, start_server, members, browser_for, database_url_of
):
    thread = make_thread()
    member = members(1)[0]
    proxy = TcpProxy(make_url(database_url_of).port or 5432).start()
    try:
        server = start_server(workers=2, database_url=_through(proxy, database_url_of))
        browser = browser_for(server, member)
        assert browser.get(f"/t/{thread.id}").status == 200

        proxy.stop()
        assert_unavailable(browser.get(f"/t/{thread.id}"))
        assert_unavailable(browser.reply_to(thread.id, "Sent while down."))
        ready = Browser(server).get("/readyz")
        assert ready.status == 503 and '"database":"unavailable"' in ready.text.replace(" ", "")

        proxy.start()
        assert _recovers(lambda: browser.get(f"/t/{thread.id}")).status == 200
        assert browser.reply_to(thread.id, "Sent after the restart.").status == 302
        assert Browser(server).get("/readyz").status == 200
    finally:
        proxy.stop()
    stored = bodies_stored(thread.id)
    assert "Sent while down." not in stored and stored["Sent after the restart."] == 1


def test_connections_cut_by_the_server_are_replaced_unnoticed(
    postgres, start_server, members, browser_for, database_url_of
):
    thread = make_thread()
    server = start_server(workers=2, database_url=database_url_of)
    browser = browser_for(server, members(1)[0])
    for _ in range(4):  # every worker has a pooled connection
        assert browser.get(f"/t/{thread.id}").status == 200
    engine = create_engine(database_url_of)
    with engine.connect() as connection:
        cut = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :server"
            ),
            {"server": SERVER_APPLICATION_NAME},
        ).scalar_one()
    engine.dispose()
    assert cut >= 1
    statuses = {browser.get(f"/t/{thread.id}").status for _ in range(6)}
    assert statuses == {200}
    assert browser.reply_to(thread.id, "Sent after the cut.").status == 302
