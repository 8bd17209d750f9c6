"""Factory helpers named after the states they make. Use inside the ``app`` fixture."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient

from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User
from forum.policy import SYSTEM
from forum.services import accounts, discussions

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def _committed(obj: Any) -> Any:
    db.session.commit()
    return obj


def make_user(
    role: str = Role.MEMBER,
    *,
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    db.session.commit()
    n = next(_counter)
    user = accounts.create_user(
        SYSTEM,
        email=email or f"member{n}@example.org",
        display_name=name or f"Member {n}",
        role=role,
        password=password,
    )
    for key, value in fields.items():
        setattr(user, key, value)
    return _committed(user)


def make_moderator(**kwargs: Any) -> User:
    return make_user(Role.MODERATOR, **kwargs)


def make_admin(**kwargs: Any) -> User:
    return make_user(Role.ADMIN, **kwargs)


def make_category(name: str | None = None, *, staff_only: bool = False, **fields: Any) -> Category:
    db.session.commit()
    n = next(_counter)
    name = name or f"Category {n}"
    category = Category(name=name, slug=f"category-{n}", is_staff_only=staff_only, **fields)
    db.session.add(category)
    return _committed(category)


def make_staff_category(**kwargs: Any) -> Category:
    return make_category(staff_only=True, **kwargs)


def make_thread(
    category: Category | None = None,
    *,
    author: User | None = None,
    title: str | None = None,
    body: str = "An opening post.",
    replies: int = 0,
) -> Thread:
    db.session.commit()
    category = category or make_category()
    author = author or make_user()
    thread = discussions.create_thread(
        author, category, title=title or f"Thread number {next(_counter)}", body=body
    )
    for n in range(replies):
        discussions.reply_to_thread(author, thread, body=f"Reply {n + 1}")
    return _committed(thread)


def locked_thread(**kwargs: Any) -> Thread:
    thread = make_thread(**kwargs)
    thread.is_locked = True
    return _committed(thread)


def make_reply(thread: Thread, *, author: User | None = None, body: str = "A reply.") -> Post:
    db.session.commit()
    post = discussions.reply_to_thread(author or make_user(), thread, body=body)
    return _committed(post)


def opening_post(thread: Thread) -> Post:
    return db.session.scalars(
        db.select(Post).where(Post.thread_id == thread.id, Post.post_number == 1)
    ).one()


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Sign ``user`` in through the real form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
