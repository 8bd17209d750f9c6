"""`forum backup --check PATH`: every member against its SHA-256, a trial restore into a
scratch database, rows per table against the counts taken with the snapshot."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forum.cli.backups import databases
from forum.extensions import db
from tests.factories import make_reply, make_thread, make_user
from tests.test_backups import UPLOAD, run_cli, seed_with_upload


def _rewrite(archive: Path, change: dict[str, bytes | None]) -> None:
    """Copy the archive with members replaced (bytes) or left out (None)."""
    with tarfile.open(archive) as old:
        members = [(m, old.extractfile(m).read()) for m in old.getmembers()]
    with tarfile.open(archive, "w:gz") as new:
        for member, data in members:
            data = change.get(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as opened:
        return json.loads(opened.extractfile("manifest.json").read())


def test_a_sound_backup_passes_its_check_with_rows_per_table(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))

    output = run_cli(app, "backup", "--check", str(archive))

    kind = db.engine.dialect.name
    assert f"a {kind} backup taken" in output
    assert "Checksums: 2 files in the archive, each as its manifest says." in output
    assert f"Restored into a scratch {kind} database" in output
    rows = {line.split()[0]: line.split()[1:] for line in output.splitlines()[3:-2]}
    assert rows["posts"] == ["4", "4"] and rows["threads"] == ["1", "1"]
    assert rows["users"] == ["2", "2"]  # the author, and the thread's starter
    assert "tables empty in both" in output
    assert output.rstrip().endswith("every table has the rows it should.")


def test_the_manifest_lists_each_member_with_its_sha256(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    manifest = _manifest(archive)
    assert manifest["format"] == "forum-backup/2"
    assert manifest["files"]["uploads/ab/abcdef"] == {
        "sha256": hashlib.sha256(UPLOAD).hexdigest(),
        "size": len(UPLOAD),
    }
    assert manifest["tables"]["posts"] == manifest["posts"] == 4


def test_a_damaged_upload_fails_the_check(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    _rewrite(archive, {"uploads/ab/abcdef": b"%PDF-1.4 a referral pathway leaflex"})

    output = run_cli(app, "backup", "--check", str(archive), exit_code=1)

    assert "PROBLEM: uploads/ab/abcdef does not match its checksum: it is damaged." in output
    assert "The backup failed its check (1 problems above)." in output
    output = run_cli(app, "restore", "--replace", str(archive), exit_code=1)
    assert "is damaged; nothing was restored" in output


def test_a_missing_member_and_an_extra_one_fail_the_check(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    _rewrite(archive, {"uploads/ab/abcdef": None})
    with tarfile.open(archive) as old:
        members = [(m, old.extractfile(m).read()) for m in old.getmembers()]
    with tarfile.open(archive, "w:gz") as new:
        for member, data in members:
            new.addfile(member, io.BytesIO(data))
        extra = tarfile.TarInfo("uploads/cd/cdef")
        extra.size = 5
        new.addfile(extra, io.BytesIO(b"extra"))

    output = run_cli(app, "backup", "--check", str(archive), exit_code=1)

    assert "uploads/ab/abcdef is listed in the manifest but missing." in output
    assert "uploads/cd/cdef is not in the manifest." in output


def test_counts_that_differ_from_the_snapshot_fail_the_check(app, tmp_path):
    make_thread(replies=1)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    manifest = _manifest(archive)
    manifest["tables"]["posts"] = 3  # as if a post had been lost on the way
    _rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})

    output = run_cli(app, "backup", "--check", str(archive), exit_code=1)

    assert "PROBLEM: posts: 2 rows restored, but the backup recorded 3." in output


def test_something_that_is_not_a_backup_is_a_clear_error(app, tmp_path):
    plain = tmp_path / "notes.tar.gz"
    with tarfile.open(plain, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    output = run_cli(app, "backup", "--check", str(plain), exit_code=1)
    assert "is not a forum backup" in output
    output = run_cli(app, "backup", "--check", str(tmp_path / "none.tar.gz"), exit_code=1)
    assert "There is no backup file" in output
    output = run_cli(app, "backup", "--check", "--keep", "2", str(plain), exit_code=2)
    assert "--keep removes archives after a backup" in output


def test_a_damaged_sqlite_file_fails_sqlites_integrity_check(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the damage is to a SQLite file")
    make_thread(replies=3)
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    with tarfile.open(archive) as opened:
        data = bytearray(opened.extractfile("database.sqlite3").read())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200  # scribble over a page
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    assert databases.check_sqlite(damaged)


def test_the_postgresql_check_drops_its_scratch_database(app, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the scratch database is PostgreSQL's")
    make_thread()
    archive = tmp_path / "forum.tar.gz"
    run_cli(app, "backup", str(archive))
    output = run_cli(app, "backup", "--check", str(archive))
    [scratch] = re.findall(r"\((forum_check_[0-9a-f]+), dropped afterwards\)", output)
    engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        left = connection.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": scratch}
        )
    engine.dispose()
    assert left == 0


def test_replies_committed_while_sqlite_is_copied_page_by_page_leave_a_sound_copy(
    app, tmp_path, monkeypatch
):
    """One page per step: writers commit between steps, and the copy keeps its snapshot."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the online backup API is SQLite's")
    thread = make_thread(replies=20)
    author = make_user()
    monkeypatch.setattr(databases, "STEP_PAGES", 1)
    stop, database, thread_id = threading.Event(), db.engine.url.database, thread.id

    def keep_replying() -> None:
        writer = sqlite3.connect(database, timeout=15)
        while not stop.is_set():
            writer.execute(
                "UPDATE threads SET reply_count = reply_count + 1 WHERE id = ?", (thread_id,)
            )
            writer.commit()
        writer.close()

    replying = threading.Thread(target=keep_replying)
    replying.start()
    try:
        archive = tmp_path / "forum.tar.gz"
        run_cli(app, "backup", str(archive))
    finally:
        stop.set()
        replying.join(timeout=30)
    make_reply(thread, author=author)  # the live forum moves on; the archive does not
    output = run_cli(app, "backup", "--check", str(archive))
    assert "every table has the rows it should" in output


def test_an_archive_of_the_first_format_still_restores_and_checks(app, tmp_path):
    """Manifest first, no checksums nor row counts: read as before."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("built by hand from a SQLite file")
    make_thread(body="From an archive of the first format.")
    archive = tmp_path / "old.tar.gz"
    run_cli(app, "backup", str(archive))
    with tarfile.open(archive) as opened:
        database = opened.extractfile("database.sqlite3").read()
    manifest = {"format": "forum-backup/1", "dialect": "sqlite", "posts": 1}
    with tarfile.open(archive, "w:gz") as old:
        for name, data in (("manifest.json", json.dumps(manifest).encode()),
                           ("database.sqlite3", database)):  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(data)
            old.addfile(info, io.BytesIO(data))

    output = run_cli(app, "backup", "--check", str(archive))
    assert "Checksums: none (an archive of the first format)." in output
    assert "The backup is sound" in output
    run_cli(app, "restore", "--replace", str(archive))
    assert db.session.scalar(text("SELECT body_source FROM posts")) == (
        "From an archive of the first format."
    )
