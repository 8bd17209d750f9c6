"""Bookmarks: a member's private list of posts to come back to."""

from __future__ import annotations

from sqlalchemy import delete

from forum.extensions import db
from forum.models import Bookmark, Post, utcnow
from forum.policy import Actor, can_bookmark, is_member, require
from forum.services.upserts import insert


def add_bookmark(actor: Actor, post: Post) -> None:
    require(can_bookmark(actor, post))
    db.session.execute(
        insert(Bookmark)
        .values(user_id=actor.id, post_id=post.id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "post_id"])
    )


def remove_bookmark(actor: Actor, post: Post) -> None:
    require(is_member(actor))
    db.session.execute(
        delete(Bookmark).where(Bookmark.user_id == actor.id, Bookmark.post_id == post.id)
    )
