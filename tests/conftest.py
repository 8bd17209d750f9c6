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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, inspect, make_url, text

from forum import create_app
from forum.database import write_intent
from forum.extensions import db, limiter
from forum.queries import site as site_reads
from tests import corpus

REPO_ROOT = Path(__file__).resolve().parents[1]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("FORUM_TEST_DATABASE_URL") else [])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip what reads an absent attack corpus, from this one place (so one summary line)."""
    absent = corpus.missing()
    if absent and not corpus.required() and item.get_closest_marker("corpus"):
        pytest.skip(absent)


def pytest_report_header() -> str | None:
    """One line when the shared attack corpus is absent: what is missing, and where."""
    absent = corpus.missing()
    if absent is None:
        return None
    if corpus.required():
        return f"{absent}; CI=true, so the tests that read it fail"
    return f"{absent}; the tests that read it are skipped"


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context or session."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


def build_app(url: str, **overrides: Any) -> Flask:
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url, **overrides)
    app.test_client_class = IsolatedClient
    return app


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own, made on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        query = text("SELECT 1 FROM pg_database WHERE datname = :n")
        exists = conn.scalar(query, {"n": own.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
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
        url = _per_worker(os.environ["FORUM_TEST_DATABASE_URL"])
        _reset_postgres(url)
    app = build_app(url)
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return url


_TABLES: dict[str, list] = {}
_APPS: dict[str, tuple[Flask, dict]] = {}


def _tables_made_by_migrations() -> list:
    # Only tables the migrations made: a model without a migration fails its own tests and
    # tests/test_migrations.py, not everyone's teardown.
    url = str(db.engine.url)
    if url not in _TABLES:
        existing = set(inspect(db.engine).get_table_names())
        _TABLES[url] = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
    return _TABLES[url]


def _empty_tables() -> None:
    """Empty the tables the test wrote to (one query finds them, so this stays cheap)."""
    tables = _tables_made_by_migrations()
    probe = " UNION ALL ".join(
        f'SELECT {n} WHERE EXISTS (SELECT 1 FROM "{t.name}")' for n, t in enumerate(tables)
    )
    used = [tables[n] for n in db.session.execute(text(probe)).scalars()]
    if used and db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in used)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in (t for t in tables if t in used):
            db.session.execute(table.delete())
    db.session.commit()


def _shared_app(url: str) -> Flask:
    """One app per database for the whole run: building an app compiles every route and
    template again, which would dominate the suite's time."""
    if url not in _APPS:
        app = build_app(url)
        _APPS[url] = (app, dict(vars(limiter)))
    app, limiter_state = _APPS[url]
    # Flask-Limiter is one object for every app in the process: a test that built an app of
    # its own with rate limits on has switched it on for all. Put this app's state back.
    vars(limiter).update(limiter_state)
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app on an empty database; settings a test changes are put back afterwards."""
    with app_on_empty_database(database_url) as app:
        yield app


@contextmanager
def app_on_empty_database(database_url: str) -> Iterator[Flask]:
    """The ``app`` fixture's work, for fixtures of a wider scope: the app, in its context, on
    an empty database; emptied again and its settings put back afterwards."""
    app = _shared_app(database_url)
    settings, extensions = dict(app.config), dict(app.extensions)
    token = write_intent.set(False)
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                _empty_tables()
                db.session.remove()
    finally:
        write_intent.reset(token)
        app.config.clear()
        app.config.update(settings)
        # Caches kept on the app (the current pledge version, for one) must not outlive a test.
        app.extensions.clear()
        app.extensions.update(extensions)


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
    """``with count_queries() as q: ...`` then ``q.count``: SQL statements sent meanwhile.

    Counts are of a warm process: the site settings, which each process reads once and keeps
    for a few seconds (forum/queries/site.py), are read before counting starts.
    """

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        site_reads.site_settings()
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server on loopback; see tests/mail_server.py (``configure(app)``)."""
    from tests.mail_server import running_mail_server

    with running_mail_server() as server:
        yield server
