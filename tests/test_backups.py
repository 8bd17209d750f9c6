"""`forum backup` and `forum restore`, run as the command line runs them (writes begin
IMMEDIATE and take turns): a backup while another writer holds the lock, every post found
again in a fresh instance, one record per backup, `--keep` removing only older archives."""

from __future__ import annotations

import contextvars
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from forum.extensions import db
from forum.models import BackupRecord, Post, User
from tests.conftest import REPO_ROOT, build_app
from tests.factories import make_reply, make_thread, make_user, sign_in
from tests.reliability.servers import server_environment

UPLOAD = b"%PDF-1.4 a referral pathway leaflet"


def fresh_database_url(app: Flask, tmp_path: Path, name: str = "restore") -> str:
    """An empty database beside the test's own: a new file, or a new PostgreSQL database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    database = f"{url.database}_{name}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


@pytest.fixture
def fresh(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    restored = build_app(fresh_database_url(app, tmp_path), UPLOAD_FOLDER=str(tmp_path / "new"))
    yield restored
    with restored.app_context():
        db.engine.dispose()


def run_cli(app: Flask, *args: str, exit_code: int = 0) -> str:
    """Run ``flask forum ARGS`` as a shell would: its own context, so writes declare their
    intent and begin IMMEDIATE, as in production (the tests' own context turns that off)."""
    db.session.commit()  # the test's transaction holds no lock while the command runs
    return invoke(app, *args, exit_code=exit_code)


def invoke(app: Flask, *args: str, exit_code: int = 0) -> str:
    """``run_cli`` from any thread."""
    runner = app.test_cli_runner()
    result = contextvars.Context().run(runner.invoke, args=["forum", *args])
    assert result.exit_code == exit_code, result.output
    return result.output


def _bodies(app: Flask) -> list[str]:
    with app.app_context():
        bodies = db.session.scalars(select(Post.body_source).order_by(Post.id)).all()
        db.session.remove()
    return list(bodies)


def seed_with_upload(app: Flask, tmp_path: Path) -> tuple[int, User]:
    uploads = tmp_path / "old"
    app.config["UPLOAD_FOLDER"] = str(uploads)
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "abcdef").write_bytes(UPLOAD)
    (uploads / ".incoming-half-written").write_bytes(b"an upload still arriving")
    author = make_user(email="asha@example.org")
    thread = make_thread(author=author, title="Rapid diagnostic centres", replies=2)
    make_reply(thread, body="Our RDC takes vague-symptom referrals directly.")
    return thread.id, author


def test_restore_into_a_fresh_instance_finds_every_post(app, tmp_path, fresh):
    thread_id, author = seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum-backup.tar.gz"

    assert "(4 posts) and 1 uploaded file " in run_cli(app, "backup", str(archive))
    assert "(4 posts) and 1 uploaded file " in run_cli(fresh, "restore", str(archive))

    assert _bodies(fresh) == _bodies(app)
    assert (tmp_path / "new" / "ab" / "abcdef").read_bytes() == UPLOAD
    client = fresh.test_client()
    sign_in(client, author)  # the same account, restored
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "Rapid diagnostic centres" in page and "vague-symptom referrals" in page
    found = client.get("/search?q=vague-symptom").get_data(as_text=True)
    assert "Rapid diagnostic centres" in found


def test_archive_holds_the_database_the_uploads_and_a_manifest_last(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "one.tar.gz"
    run_cli(app, "backup", str(archive))
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    dump = "database.sqlite3" if db.engine.dialect.name == "sqlite" else "database.pgdump"
    # Scratch files of uploads still arriving are left out.
    assert names == [dump, "uploads/ab/abcdef", "manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".forum-backup-")]


def test_each_backup_is_recorded_with_its_size_and_place(app, tmp_path):
    seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum.tar.gz"
    output = run_cli(app, "backup", str(archive))
    record = db.session.scalars(select(BackupRecord)).one()
    assert record.path == str(archive.resolve())
    assert record.size_bytes == archive.stat().st_size > 0
    assert record.kind == db.engine.dialect.name
    assert (record.posts, record.uploads) == (4, 1)
    assert record.seconds >= 0
    assert "KB" in output or "MB" in output


def test_a_backup_is_taken_while_another_writer_holds_the_lock(app, tmp_path):
    """The copy reads a snapshot: it needs no write lock, and what the writer had not yet
    committed is not in it. Only noting the backup afterwards waits for the writer."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's; PostgreSQL writers lock rows")
    thread = make_thread(body="Committed before the backup.")
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE posts SET body_source = 'Not yet committed.' WHERE thread_id = ?",
                   (thread.id,))  # fmt: skip
    archive = tmp_path / "during.tar.gz"
    outcome: list[str] = []
    backing_up = threading.Thread(
        target=lambda: outcome.append(invoke(app, "backup", str(archive)))
    )
    try:
        backing_up.start()
        deadline = time.monotonic() + 10
        while not archive.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert archive.exists(), "the archive was not written while a writer held the lock"
    finally:
        writer.execute("COMMIT")
        writer.close()
        backing_up.join(timeout=30)
    assert outcome and "Backed up the sqlite database" in outcome[0], outcome
    assert "could not be noted" not in outcome[0]
    restored = tmp_path / "restored.sqlite3"
    with tarfile.open(archive) as opened:
        restored.write_bytes(opened.extractfile("database.sqlite3").read())
    copy = sqlite3.connect(restored)
    assert copy.execute("SELECT body_source FROM posts").fetchall() == [
        ("Committed before the backup.",)
    ]
    copy.close()
    db.session.commit()
    assert db.session.scalar(select(BackupRecord.path)) == str(archive.resolve())


def test_the_command_line_backs_up_a_forum_in_use_as_a_shell_runs_it(app, tmp_path):
    """The real ``flask --app wsgi forum backup`` in its own process, with production config."""
    make_thread(body="Taken by the real command.")
    db.session.commit()
    archive = tmp_path / "forum-2026-12-07.tar.gz"
    env = server_environment(
        app.config["SQLALCHEMY_DATABASE_URI"], upload_folder=str(tmp_path / "files")
    )
    started = time.monotonic()
    done = subprocess.run(
        [Path(sys.executable).with_name("flask"), "--app", "wsgi", "forum", "backup",
         str(archive), "--keep", "3"],
        cwd=REPO_ROOT, env={**env, "PATH": os.environ["PATH"]}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Backed up the" in done.stdout and "(1 post)" in done.stdout
    assert time.monotonic() - started < 60  # the old backup waited 30 s, then failed
    assert db.session.scalar(select(BackupRecord.path)) == str(archive.resolve())


# --keep -----------------------------------------------------------------------------------


def _backup_named(app: Flask, folder: Path, name: str, mtime: float) -> Path:
    path = folder / name
    run_cli(app, "backup", str(path))
    os.utime(path, (mtime, mtime))
    return path


def test_keep_removes_only_older_archives_named_like_the_new_one(app, tmp_path):
    make_thread()
    folder = tmp_path / "backups"
    now = time.time()
    old = [
        _backup_named(app, folder, f"forum-2026-12-0{day}.tar.gz", now - (10 - day) * 86400)
        for day in (1, 2, 3, 4)
    ]
    other_forum = _backup_named(app, folder, "other-2026-12-01.tar.gz", now - 9 * 86400)
    not_a_backup = folder / "forum-2026-11-30.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as archive:
        archive.add(REPO_ROOT / "README.md", arcname="README.md")
    os.utime(not_a_backup, (now - 20 * 86400,) * 2)
    notes = folder / "notes.txt"
    notes.write_text("Restore drill on the first Monday of each month.")

    output = run_cli(app, "backup", str(folder / "forum-2026-12-05.tar.gz"), "--keep", "3")

    assert sorted(p.name for p in folder.iterdir()) == [
        "forum-2026-11-30.tar.gz",  # not a forum backup: never touched
        "forum-2026-12-03.tar.gz",
        "forum-2026-12-04.tar.gz",
        "forum-2026-12-05.tar.gz",
        "notes.txt",
        "other-2026-12-01.tar.gz",  # named otherwise: another forum's, or kept by hand
    ]
    assert f"Removed the older backup {old[0]}" in output
    assert f"Removed the older backup {old[1]}" in output
    assert other_forum.exists() and notes.exists()


def test_keep_without_a_date_in_the_name_says_it_removed_nothing(app, tmp_path):
    make_thread()
    run_cli(app, "backup", str(tmp_path / "forum.tar.gz"))
    output = run_cli(app, "backup", str(tmp_path / "forum.tar.gz"), "--keep", "1")
    assert "--keep removed nothing" in output and "put a date in the name" in output


def test_keep_must_be_at_least_one(app, tmp_path):
    output = run_cli(app, "backup", str(tmp_path / "f-1.tar.gz"), "--keep", "0", exit_code=2)
    assert "0 is not in the range x>=1" in output


# Restoring --------------------------------------------------------------------------------


def test_restore_refuses_to_overwrite_a_forum_with_posts(app, tmp_path):
    make_thread(body="Still here.")
    archive = tmp_path / "backup.tar.gz"
    run_cli(app, "backup", str(archive))
    output = run_cli(app, "restore", str(archive), exit_code=1)
    assert "already has posts; pass --replace" in output


def test_restore_with_replace_brings_back_a_deleted_post(app, tmp_path):
    thread = make_thread(body="Keep this.")
    archive = tmp_path / "backup.tar.gz"
    run_cli(app, "backup", str(archive))
    db.session.execute(Post.__table__.delete().where(Post.thread_id == thread.id))
    db.session.commit()
    db.session.remove()
    run_cli(app, "restore", "--replace", str(archive))
    assert _bodies(app) == ["Keep this."]


def test_restore_of_something_else_is_a_clear_error(app, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    output = run_cli(app, "restore", str(not_a_backup), exit_code=1)
    assert "is not a readable forum backup" in output
    output = run_cli(app, "restore", str(tmp_path / "missing"), exit_code=1)
    assert "There is no backup file" in output
