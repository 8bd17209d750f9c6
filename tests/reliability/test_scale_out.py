"""Two app hosts on one database and one Redis: what one host does holds on the other.

Each "host" is its own gunicorn master with its own workers (as on two machines); they share
only the database, Redis and the secret key, which is all docs/deploy.md asks of a cluster.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from sqlalchemy import select

from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus
from tests.factories import PASSWORD
from tests.reliability.servers import REPO_ROOT, Browser, server_environment

pytestmark = pytest.mark.reliability

LOGIN_LIMIT = 6


@pytest.fixture
def two_hosts(start_server, redis_url):
    Redis.from_url(redis_url).flushdb()
    settings = dict(
        redis_url=redis_url,
        ratelimit_enabled="true",
        ratelimit_login=f"{LOGIN_LIMIT} per minute",
    )
    return start_server(workers=1, **settings), start_server(workers=1, **settings)


def test_a_session_started_on_one_host_works_and_ends_on_the_other(two_hosts, members):
    host_a, host_b = two_hosts
    member = members(1)[0]
    on_a = Browser(host_a).sign_in(member.email, PASSWORD)
    on_b = Browser(host_b)
    on_b.cookies = dict(on_a.cookies)  # the same browser, load-balanced to the other host

    page = on_b.get("/")
    assert page.status == 200 and member.display_name in page.text
    assert on_b.post("/account/sign-out-everywhere", {}).status == 302
    on_a.cookies = {k: v for k, v in on_a.cookies.items() if k != "remember_token"}
    assert on_a.get("/").status == 302  # the session ended everywhere


def test_the_login_rate_limit_is_shared_between_hosts(two_hosts):
    host_a, host_b = two_hosts

    def attempt(host) -> int:
        browser = Browser(host)
        browser.get("/login")
        email = f"nobody-{uuid.uuid4().hex[:8]}@example.org"  # not the per-account limit
        return browser.post("/login", {"email": email, "password": "wrong"}).status

    # Half the allowance on each host: a per-process counter would allow them all, and more.
    statuses = [attempt(host_a if n % 2 else host_b) for n in range(LOGIN_LIMIT)]
    assert 429 not in statuses
    assert attempt(host_a) == 429
    assert attempt(host_b) == 429


def _run_worker_once(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "worker", "--once"]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_jobs_queued_on_either_host_are_done_once_by_workers_anywhere(
    two_hosts, members, smtp_server, redis_url
):
    host_a, host_b = two_hosts
    first, second = members(2)
    for host, member in ((host_a, first), (host_b, second)):
        browser = Browser(host)
        browser.get("/reset")
        assert browser.post("/reset", {"email": member.email}).status in (200, 302)

    env = server_environment(
        host_a.database_url,
        redis_url=redis_url,
        mail_server=smtp_server.host,
        mail_port=str(smtp_server.port),
    )
    with ThreadPoolExecutor(2) as pool:  # two workers, as on two hosts, at the same moment
        runs = list(pool.map(_run_worker_once, [env, env]))
    assert [run.returncode for run in runs] == [0, 0], [run.stderr[-2000:] for run in runs]

    smtp_server.wait_for(2)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([first.email, second.email])
    db.session.commit()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.SENT, OutboxStatus.SENT]
