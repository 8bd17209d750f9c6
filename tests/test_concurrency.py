"""Concurrent replies to one thread: every reply stored once, numbers unique and gap-free."""

from __future__ import annotations

import multiprocessing
import threading

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Category, Post, Thread
from tests.conftest import build_app
from tests.factories import PASSWORD, make_thread, make_user, sign_in


def _assert_consistent(thread_id: int, expected_posts: int) -> None:
    db.session.commit()
    numbers = db.session.scalars(
        select(Post.post_number).where(Post.thread_id == thread_id).order_by(Post.post_number)
    ).all()
    assert numbers == list(range(1, expected_posts + 1))
    thread = db.session.get(Thread, thread_id)
    assert thread.reply_count == expected_posts - 1
    assert thread.last_post_number == expected_posts
    rows = db.session.scalar(select(func.count()).select_from(Post))
    assert db.session.get(Category, thread.category_id).post_count == rows


def test_twenty_concurrent_replies_from_threads(app):
    thread_id = make_thread().id
    members = [make_user() for _ in range(20)]
    clients = []
    for member in members:
        client = app.test_client()
        sign_in(client, member)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def reply(client, n):
        barrier.wait()
        response = client.post(f"/t/{thread_id}/reply", data={"body": f"Concurrent reply {n}"})
        statuses.append(response.status_code)

    workers = [threading.Thread(target=reply, args=(c, n)) for n, c in enumerate(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert statuses == [302] * 20
    _assert_consistent(thread_id, 21)
    bodies = db.session.scalars(select(Post.body_source).where(Post.post_number > 1)).all()
    assert sorted(bodies) == sorted(f"Concurrent reply {n}" for n in range(20))


def _reply_from_process(url: str, thread_id: int, email: str, count: int, start, results) -> None:
    app = build_app(url)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    start.wait()
    for n in range(count):
        writer = email.partition("@")[0]  # an email address in a post asks for confirmation
        response = client.post(f"/t/{thread_id}/reply", data={"body": f"{writer} reply {n}"})
        results.put(response.status_code)


def test_twenty_concurrent_replies_from_processes(app):
    thread = make_thread()
    emails = [make_user().email for _ in range(4)]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    processes = [
        ctx.Process(target=_reply_from_process, args=(url, thread.id, e, 5, start, results))
        for e in emails
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert sorted(results.get(timeout=5) for _ in range(20)) == [302] * 20
    _assert_consistent(thread.id, 21)
