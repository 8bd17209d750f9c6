"""Engine behaviour per dialect: SQLite pragmas, write transactions that begin IMMEDIATE and
take turns (``WriterQueue``); on PostgreSQL bounded waits, and a mark on each connection of
whether its transaction sent anything but reads (``forum/views/transactions.py`` ends a
request's transaction that only read with COMMIT)."""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

#: False while serving a safe (read-only) request; writes elsewhere begin IMMEDIATE.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they begin DEFERRED and wait for no
    writer's turn, as a GET request's do (for the command line's reads)."""
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


def configure_engine(app: Flask, engine: Engine) -> None:
    """Attach the dialect-specific connection hooks to ``engine``."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    elif engine.dialect.name == "postgresql":
        _configure_postgres(
            engine, app.config["DATABASE_LOCK_TIMEOUT_MS"], app.config["DATABASE_CONNECT_TIMEOUT"]
        )


def ping(session: Session) -> None:
    """Ask the database for the smallest answer it can give (the readiness probe); raises
    ``SQLAlchemyError`` when it cannot answer."""
    session.execute(text("SELECT 1"))


#: On a connection's ``info``: its transaction has sent something other than a read.
WROTE = "forum_transaction_wrote"
_QUERY = re.compile(r"\s*(SELECT|WITH|EXPLAIN)\b", re.IGNORECASE)
_CHANGE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|ANALYZE)\b", re.IGNORECASE)


@contextmanager
def overwriting_freed_space(session: Session) -> Iterator[None]:
    """SQLite: zero freed space while text is rewritten to forget it, so no old copy of a
    page keeps the text in the database file (PostgreSQL's VACUUM reclaims dead rows)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("PRAGMA secure_delete = ON"))
    try:
        yield
    finally:
        if sqlite:
            session.execute(text("PRAGMA secure_delete = OFF"))


@lru_cache(maxsize=1024)
def is_read(statement: str) -> bool:
    """A SELECT, WITH or EXPLAIN (search asks the planner's estimates) that names no INSERT,
    UPDATE, DELETE or MERGE (nor FOR UPDATE), nor ANALYZE (which runs what it explains)."""
    return bool(_QUERY.match(statement)) and not _CHANGE.search(statement)


def _configure_postgres(engine: Engine, lock_timeout_ms: int, connect_timeout: int) -> None:
    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.info[WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not is_read(statement):
            connection.info[WROTE] = True

    @event.listens_for(engine, "do_connect")
    def on_connect(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        # A request waiting on a row lock, or on a server that is restarting, gives up in
        # bounded time: the error becomes a 503 with Retry-After (forum/errors.py).
        params.setdefault("connect_timeout", int(connect_timeout))
        lock_timeout = f"-c lock_timeout={int(lock_timeout_ms)}"
        params["options"] = f"{params.get('options', '')} {lock_timeout}".strip()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    queue = WriterQueue.for_database(engine.url.database, busy_timeout_ms / 1000)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A write that starts DEFERRED can fail with "database is locked" when it upgrades
        # its lock after another writer; IMMEDIATE takes the write lock up front and waits.
        if write_intent.get():
            if queue is not None:
                queue.enter(connection.info)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    if queue is None:
        return

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def on_end(connection: Any) -> None:
        queue.leave(connection.info)

    @event.listens_for(engine, "checkin")
    def on_return(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            queue.leave(record.info)

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            queue.forget(record.info)


class WriterQueue:
    """Writers to one SQLite file take turns on a kernel file lock before ``BEGIN IMMEDIATE``.

    Why SQLite's busy handler is not enough: docs/architecture.md#post-numbers-and-writers-on-sqlite
    """

    POLL_SECONDS = 0.001

    def __init__(self, path: str, timeout_seconds: float) -> None:
        self.path = path
        self.timeout = timeout_seconds

    @classmethod
    def for_database(cls, database: str | None, timeout_seconds: float) -> WriterQueue | None:
        """The queue of a database file (None for an in-memory database)."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return cls(f"{database}.writers", timeout_seconds)

    def enter(self, info: dict[str, Any]) -> bool:
        """Wait for this connection's turn to write; False when the wait timed out."""
        if info.get("writer_turn"):
            return True
        descriptor = info.get("writer_fd")
        if descriptor is None:
            descriptor = info["writer_fd"] = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.POLL_SECONDS)
            else:
                info["writer_turn"] = True
                return True

    def leave(self, info: dict[str, Any]) -> None:
        """End this connection's turn, if it has one."""
        if info.pop("writer_turn", False):
            fcntl.flock(info["writer_fd"], fcntl.LOCK_UN)

    def forget(self, info: dict[str, Any]) -> None:
        """The connection is closing: end its turn and close its lock file."""
        self.leave(info)
        descriptor = info.pop("writer_fd", None)
        if descriptor is not None:
            os.close(descriptor)
