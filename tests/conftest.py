"""Fixtures for every test that touches the database.

Each such test runs once per backend: ``[sqlite]`` always, on a real SQLite file, and
``[postgresql]`` when ``FORUM_TEST_DATABASE_URL`` is set (CI sets it; an unreachable server
is an error, never a skip). The schema is built by the real migrations once per backend per
run; every test starts with empty tables.

While a test runs, its own app context is pushed, so factories (``tests/factories.py``) work
directly. Requests made with ``client`` run in a fresh context of their own, with their own
database session, exactly as in production: after a request, call ``reload()`` (or
``db.session.commit()``) before reading what it changed.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from forum import create_app
from forum.database import write_intent
from forum.extensions import db

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("FORUM_TEST_DATABASE_URL") else [])


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context or session."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


def build_app(url: str, **overrides: Any) -> Flask:
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url, **overrides)
    app.test_client_class = IsolatedClient
    return app


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database for this run, one per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum.db'}"
    else:
        url = os.environ["FORUM_TEST_DATABASE_URL"]
        _reset_postgres(url)
    app = build_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = build_app(database_url)
    token = write_intent.set(False)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()
    write_intent.reset(token)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def reload() -> Any:
    """End the test's transaction so the next read sees what requests committed."""

    def _reload() -> None:
        db.session.commit()

    return _reload


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """``with count_queries() as q: ...`` then ``q.count``: SQL statements sent meanwhile."""
    from contextlib import contextmanager

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"The shared attack corpus is missing: expected it at {CORPUS_DIR}")
    return CORPUS_DIR
