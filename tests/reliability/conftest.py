"""Fixtures for the reliability tests (``make reliability``): real gunicorn servers on the test
database, members to sign in, and the checks every test ends with.

These tests are marked ``reliability`` and left out of the default run (see pyproject.toml).
Each starts its servers on loopback against the same database the ``app`` fixture migrated,
on SQLite and, when ``FORUM_TEST_DATABASE_URL`` is set, on PostgreSQL. Loads are bounded by
counts, and every wait by a timeout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Category, Post, Thread, User
from tests.factories import PASSWORD, make_user
from tests.reliability.servers import Browser, Server


@pytest.fixture
def database_url_of(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture
def dialect(app: Flask) -> str:
    return db.engine.dialect.name


@pytest.fixture
def start_server(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``start_server(workers=3, database_url=..., **settings)``: a running gunicorn."""
    started: list[Server] = []

    def _start(workers: int = 3, database_url: str | None = None, **settings: Any) -> Server:
        log = tmp_path / f"server-{len(started) + 1}.log"
        url = database_url or app.config["SQLALCHEMY_DATABASE_URI"]
        server = Server(url, log, workers, {k: str(v) for k, v in settings.items()})
        started.append(server)
        return server.start()

    yield _start
    for server in started:
        server.stop()
        # Shown by pytest only when the test failed.
        print(f"--- {server.log_path.name} (last lines)\n{server.log()[-4000:]}")


@pytest.fixture
def members(app: Flask) -> Callable[[int], list[User]]:
    """``members(n)``: n new members who can sign in with ``PASSWORD``."""
    return lambda count: [make_user() for _ in range(count)]


@pytest.fixture
def browser_for() -> Callable[[Server, User], Browser]:
    """A browser signed in as ``member`` on ``server``."""
    return lambda server, member: Browser(server).sign_in(member.email, PASSWORD)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FORUM_TEST_REDIS_URL (make reliability does) to run against Redis")
    return url


def assert_counts_match_rows(thread_id: int) -> list[int]:
    """Post numbers are 1..n without gaps and every counter equals COUNT(*) of its rows."""
    db.session.commit()  # see what the servers committed
    numbers = db.session.scalars(
        select(Post.post_number).where(Post.thread_id == thread_id).order_by(Post.post_number)
    ).all()
    assert numbers == list(range(1, len(numbers) + 1)), "post numbers have gaps or repeats"
    thread = db.session.get_one(Thread, thread_id)
    assert (thread.last_post_number, thread.reply_count) == (len(numbers), len(numbers) - 1)
    category = db.session.get_one(Category, thread.category_id)
    in_category = select(func.count()).select_from(Post).join(Thread)
    assert category.post_count == db.session.scalar(
        in_category.where(Thread.category_id == category.id)
    )
    per_author = dict(
        db.session.execute(select(Post.author_id, func.count()).group_by(Post.author_id)).all()
    )
    stored = dict(db.session.execute(select(User.id, User.post_count)).all())
    assert {uid: count for uid, count in stored.items() if count} == per_author
    return list(numbers)


def bodies_stored(thread_id: int) -> dict[str, int]:
    """How many times each body text is stored in the thread."""
    db.session.commit()
    rows = db.session.execute(
        select(Post.body_source, func.count())
        .where(Post.thread_id == thread_id)
        .group_by(Post.body_source)
    ).all()
    return dict(rows)
