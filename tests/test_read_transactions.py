"""How a request's transaction ends: COMMIT when it only read (PostgreSQL, so psycopg keeps its
prepared statements), ROLLBACK whenever anything could have changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Blueprint, Flask
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

from forum.database import is_read
from forum.extensions import db
from forum.models import User
from tests.conftest import build_app
from tests.factories import make_user, sign_in


def test_is_read_accepts_queries_and_refuses_anything_that_changes_rows():
    assert is_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert is_read("  with found AS MATERIALIZED (SELECT 1) SELECT * FROM found")
    assert is_read("SELECT posts.updated_at, posts.deleted_at FROM posts")
    assert is_read("EXPLAIN (FORMAT JSON) SELECT 1 FROM posts WHERE posts.id > 5")
    for statement in (
        "INSERT INTO posts (body) VALUES (%(body)s)",
        "UPDATE threads SET last_post_number = last_post_number + 1",
        "DELETE FROM drafts WHERE id = 1",
        "WITH gone AS (DELETE FROM drafts RETURNING id) SELECT count(*) FROM gone",
        "SELECT id FROM threads WHERE id = 1 FOR UPDATE",
        "EXPLAIN ANALYZE DELETE FROM drafts",
        "EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1",
        "BEGIN",
        "TRUNCATE posts",
    ):
        assert not is_read(statement), statement


def _postgres_only(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL only")


@contextmanager
def _endings(app: Flask) -> Iterator[list[str]]:
    """How each transaction of ``app``'s engine ends, in order, while the block runs (enter
    it in the app's context); the listeners go when it ends."""
    ended: list[str] = []
    engine = db.engine

    def committed(_connection: Any) -> None:
        ended.append("commit")

    def rolled_back(_connection: Any) -> None:
        ended.append("rollback")

    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        yield ended
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)


def test_a_page_that_only_reads_commits_and_keeps_its_prepared_statements(app, client):
    _postgres_only(app)
    sign_in(client, make_user())
    with _endings(app) as ended:
        for _ in range(8):  # psycopg prepares a statement on its fifth run
            assert client.get("/notifications").status_code == 200
    assert ended == ["commit"] * 8
    # The requests ran one after another on the pool's one idle connection.
    with db.engine.connect() as connection:
        prepared = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements"
        ).scalar_one()
        connection.commit()
    assert prepared >= 2  # the signed-in member and the page's own statements


def _app_with_careless_routes(database_url: str) -> Flask:
    """Routes that change a member's name without committing: the change must be lost."""
    app = build_app(database_url)
    careless = Blueprint("careless", __name__)

    @careless.get("/careless/flushed/<int:user_id>")
    def flushed(user_id: int) -> str:
        db.session.get(User, user_id).display_name = "Changed by a flush"
        db.session.flush()
        return "ok"

    @careless.get("/careless/core/<int:user_id>")
    def core(user_id: int) -> str:
        db.session.execute(
            update(User).where(User.id == user_id).values(display_name="Changed by Core")
        )
        return "ok"

    @careless.get("/careless/pending/<int:user_id>")
    def pending(user_id: int) -> str:
        db.session.get(User, user_id).display_name = "Changed, never flushed"
        return "ok"

    @careless.get("/careless/failed-flush/<int:user_id>")
    def failed_flush(user_id: int) -> str:
        db.session.get(User, user_id).display_name = None  # NOT NULL
        try:
            db.session.flush()
        except IntegrityError:
            return "ok"  # caught, and the session left for the teardown to roll back
        return "flushed?"

    @careless.get("/careless/fails/<int:user_id>")
    def fails(user_id: int) -> str:
        db.session.get(User, user_id).display_name = "Changed before a bug"
        db.session.flush()
        raise RuntimeError("a bug after a change")

    app.register_blueprint(careless)
    return app


def test_changes_a_read_request_did_not_commit_are_never_kept(app, database_url):
    member = make_user(name="Dr Kept Name")
    careless = _app_with_careless_routes(database_url)
    client = careless.test_client()
    sign_in(client, member)
    try:
        with careless.app_context(), _endings(careless) as ended:
            _run_careless_routes(client, member, ended)
    finally:
        with careless.app_context():
            db.engine.dispose()


def _run_careless_routes(client: Any, member: User, ended: list[str]) -> None:
    kinds = (("flushed", 200), ("core", 200), ("pending", 200), ("failed-flush", 200))
    for kind, status in (*kinds, ("fails", 500)):
        ended.clear()
        assert client.get(f"/careless/{kind}/{member.id}").status_code == status
        assert ended[0] == "rollback", kind
        db.session.commit()
        name = db.session.scalar(select(User.display_name).where(User.id == member.id))
        assert name == "Dr Kept Name", kind
