"""Verified answers: a clinical reviewer or staff marks a question's accepted answer as
checked by a clinical lead. The thread keeps who and when (``solution_verified_at`` and
``solution_verified_by_name``); an edit to the answer, or another answer accepted, clears it.
"""

from __future__ import annotations

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Post, Thread, utcnow
from forum.policy import Actor, can_unverify_answer, can_verify_answer, require
from forum.services import audit

NAME_MAX = 80


def verify_answer(actor: Actor, thread: Thread, post: Post) -> None:
    """Mark ``post``, the accepted answer of ``thread``, as checked by ``actor``."""
    require(can_verify_answer(actor, thread, post))
    if thread.solution_verified_at is not None:
        by = thread.solution_verified_by_name or "a clinical lead"
        raise ServiceError(f"This answer is already checked by {by}.")
    thread.solution_verified_at = utcnow()
    thread.solution_verified_by_name = (getattr(actor, "display_name", "") or "")[:NAME_MAX]
    thread.solution_verified_by_id = actor.id
    db.session.flush()
    audit.record(
        actor, "thread.verify_answer", target=thread,
        after={"post_id": post.id, "by": thread.solution_verified_by_name},
        member_id=post.author_id,
    )  # fmt: skip


def unverify_answer(actor: Actor, thread: Thread) -> None:
    """Take the check off the accepted answer (the reviewer who made it, or staff)."""
    require(can_unverify_answer(actor, thread))
    before = _state(thread)
    clear(thread)
    db.session.flush()
    audit.record(actor, "thread.unverify_answer", target=thread, before=before)


def clear_after_edit(post: Post) -> None:
    """The accepted answer's text changed: the check was of the old text, so it goes."""
    thread = post.thread
    if thread.solution_post_id == post.id and thread.solution_verified_at is not None:
        clear(thread)


def _state(thread: Thread) -> dict[str, object]:
    return {"post_id": thread.solution_post_id, "by": thread.solution_verified_by_name}


def clear(thread: Thread) -> None:
    """No check: the answer changed, or is no longer the accepted one."""
    thread.solution_verified_at = None
    thread.solution_verified_by_name = ""
    thread.solution_verified_by_id = None
