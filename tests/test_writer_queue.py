"""SQLite writers take turns on a file lock (forum/database.py, WriterQueue): held for exactly
the write transaction, released however it ends, never taken by reads."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forum.database import configure_engine, write_intent


class _App:
    config = {"SQLITE_BUSY_TIMEOUT_MS": 5000}


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    configure_engine(_App(), engine)  # type: ignore[arg-type]
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
    yield engine
    engine.dispose()


def _lock_file(engine) -> Path:
    return Path(f"{engine.url.database}.writers")


def _turn_is_free(engine) -> bool:
    """Could another process take the writers' turn right now?"""
    descriptor = os.open(_lock_file(engine), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    finally:
        os.close(descriptor)


def test_a_write_transaction_holds_the_turn_until_it_commits(engine):
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO notes VALUES ('one')"))
        assert not _turn_is_free(engine)
        connection.commit()
        assert _turn_is_free(engine)
    assert _turn_is_free(engine)


def test_a_rollback_and_a_connection_returned_unfinished_give_the_turn_back(engine):
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO notes VALUES ('one')"))
        connection.rollback()
        assert _turn_is_free(engine)
        connection.execute(text("INSERT INTO notes VALUES ('two')"))
        assert not _turn_is_free(engine)
    assert _turn_is_free(engine)  # closing the Connection rolled back and checked it in
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM notes")).scalar_one() == 0


def test_reads_never_take_the_turn(engine):
    token = write_intent.set(False)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM notes")).scalar_one()
            assert _turn_is_free(engine)
    finally:
        write_intent.reset(token)


def test_a_second_writer_waits_for_the_first_and_both_writes_land(engine):
    first = engine.connect()
    first.execute(text("INSERT INTO notes VALUES ('first')"))
    started, done = threading.Event(), threading.Event()

    def second_writer() -> None:
        with engine.connect() as connection:
            started.set()
            connection.execute(text("INSERT INTO notes VALUES ('second')"))
            connection.commit()
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    started.wait(5)
    assert not done.wait(0.2), "the second writer must wait while the first holds its turn"
    first.commit()
    first.close()
    thread.join(10)
    assert done.is_set()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM notes ORDER BY rowid")).scalars().all()
    assert rows == ["first", "second"]


def test_a_killed_writer_leaves_the_turn_free(engine, tmp_path):
    """The kernel drops a dead process's file lock: no stale lock after kill -9."""
    ready = tmp_path / "ready"
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from sqlalchemy import create_engine, text
from forum.database import configure_engine
class App:
    config = {{"SQLITE_BUSY_TIMEOUT_MS": 5000}}
engine = create_engine({str(engine.url)!r})
configure_engine(App(), engine)
connection = engine.connect()
connection.execute(text("INSERT INTO notes VALUES ('never committed')"))
open({str(ready)!r}, "w").close()
os.kill(os.getpid(), signal.SIGKILL)
"""
    process = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert process.returncode == -9 and ready.exists()
    assert _turn_is_free(engine)
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO notes VALUES ('after')"))
        connection.commit()
        assert connection.execute(text("SELECT body FROM notes")).scalars().all() == ["after"]
