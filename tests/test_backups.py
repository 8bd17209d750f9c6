"""`forum backup` and `forum restore`: a fresh instance restored from a backup has every post."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from forum.extensions import db
from forum.models import Post, User
from tests.conftest import build_app
from tests.factories import make_reply, make_thread, make_user, sign_in

UPLOAD = b"%PDF-1.4 a referral pathway leaflet"


def _fresh_database_url(app: Flask, tmp_path: Path) -> str:
    """An empty database beside the test's own: a new file, or a new PostgreSQL database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def fresh(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    restored = build_app(_fresh_database_url(app, tmp_path), UPLOAD_FOLDER=str(tmp_path / "new"))
    yield restored
    with restored.app_context():
        db.engine.dispose()


def _invoke(app: Flask, *args: str) -> str:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["forum", *args])
        db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def _bodies(app: Flask) -> list[str]:
    with app.app_context():
        bodies = db.session.scalars(select(Post.body_source).order_by(Post.id)).all()
        db.session.remove()
    return list(bodies)


def _seed_with_upload(app: Flask, tmp_path: Path) -> tuple[int, User]:
    uploads = tmp_path / "old"
    app.config["UPLOAD_FOLDER"] = str(uploads)
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "abcdef").write_bytes(UPLOAD)
    author = make_user(email="asha@example.org")
    thread = make_thread(author=author, title="Rapid diagnostic centres", replies=2)
    make_reply(thread, body="Our RDC takes vague-symptom referrals directly.")
    return thread.id, author


def test_restore_into_a_fresh_instance_finds_every_post(app, tmp_path, fresh):
    thread_id, author = _seed_with_upload(app, tmp_path)
    archive = tmp_path / "forum-backup.tar.gz"

    assert "(4 posts) and 1 uploaded files" in _invoke(app, "backup", str(archive))
    assert "(4 posts) and 1 uploaded files" in _invoke(fresh, "restore", str(archive))

    assert _bodies(fresh) == _bodies(app)
    assert (tmp_path / "new" / "ab" / "abcdef").read_bytes() == UPLOAD
    client = fresh.test_client()
    sign_in(client, author)  # the same account, restored
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "Rapid diagnostic centres" in page and "vague-symptom referrals" in page
    found = client.get("/search?q=vague-symptom").get_data(as_text=True)
    assert "Rapid diagnostic centres" in found


def test_archive_is_one_file_with_a_manifest(app, tmp_path):
    _seed_with_upload(app, tmp_path)
    archive = tmp_path / "one.tar.gz"
    _invoke(app, "backup", str(archive))
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    dump = "database.sqlite3" if db.engine.dialect.name == "sqlite" else "database.pgdump"
    assert names == {"manifest.json", dump, "uploads/ab/abcdef"}
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_to_overwrite_a_forum_with_posts(app, tmp_path):
    make_thread(body="Still here.")
    archive = tmp_path / "backup.tar.gz"
    _invoke(app, "backup", str(archive))
    result = app.test_cli_runner().invoke(args=["forum", "restore", str(archive)])
    assert result.exit_code == 1
    assert "already has posts; pass --replace" in result.output


def test_restore_with_replace_brings_back_a_deleted_post(app, tmp_path):
    thread = make_thread(body="Keep this.")
    archive = tmp_path / "backup.tar.gz"
    _invoke(app, "backup", str(archive))
    db.session.execute(Post.__table__.delete().where(Post.thread_id == thread.id))
    db.session.commit()
    db.session.remove()
    _invoke(app, "restore", "--replace", str(archive))
    assert _bodies(app) == ["Keep this."]


def test_restore_of_something_else_is_a_clear_error(app, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = app.test_cli_runner().invoke(args=["forum", "restore", str(not_a_backup)])
    assert result.exit_code == 1
    assert "is not a readable forum backup" in result.output
    result = app.test_cli_runner().invoke(args=["forum", "restore", str(tmp_path / "missing")])
    assert "There is no backup file" in result.output
