"""Engine behaviour per dialect: SQLite pragmas and write transactions that begin IMMEDIATE."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: False while serving a safe (read-only) request; writes elsewhere begin IMMEDIATE.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def configure_engine(app: Flask, engine: Engine) -> None:
    """Attach the dialect-specific connection hooks to ``engine``."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    elif engine.dialect.name == "postgresql":
        _configure_postgres(
            engine, app.config["DATABASE_LOCK_TIMEOUT_MS"], app.config["DATABASE_CONNECT_TIMEOUT"]
        )


def _configure_postgres(engine: Engine, lock_timeout_ms: int, connect_timeout: int) -> None:
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

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A write that starts DEFERRED can fail with "database is locked" when it upgrades
        # its lock after another writer; IMMEDIATE takes the write lock up front and waits.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
