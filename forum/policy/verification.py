"""Verified answers: a clinical reviewer (a member of a group that verifies answers) or staff
marks a question's accepted answer as checked by a clinical lead.

Reads only the actor's columns (``role``, ``verifies_answers``) and the
thread and post already loaded, so the thread page asks it without a statement.
"""

from __future__ import annotations

from forum.models import Post, Thread
from forum.policy.actors import Actor, is_member, is_silenced, is_staff
from forum.policy.content import is_solvable
from forum.policy.visibility import can_view_thread, is_post_author, is_public_post


def is_answer_verifier(actor: Actor) -> bool:
    """Staff, or a member of a group that verifies answers (``users.verifies_answers``) who
    is not silenced."""
    if is_staff(actor):
        return True
    verifies = bool(getattr(actor, "verifies_answers", False))
    return is_member(actor) and verifies and not is_silenced(actor)


def can_verify_answer(actor: Actor, thread: Thread, post: Post) -> bool:
    """Mark ``post``, the thread's accepted answer, as checked: never one's own answer."""
    if not is_answer_verifier(actor) or not can_view_thread(actor, thread):
        return False
    if not is_solvable(thread) or thread.solution_post_id != post.id:
        return False
    if post.thread_id != thread.id or post.is_deleted or not is_public_post(post):
        return False
    return not is_post_author(actor, post)


def can_unverify_answer(actor: Actor, thread: Thread) -> bool:
    """Take the check off: staff, or the reviewer who made it."""
    if thread.solution_verified_at is None or not can_view_thread(actor, thread):
        return False
    if is_staff(actor):
        return True
    made_it = actor.id is not None and actor.id == thread.solution_verified_by_id
    return made_it and is_answer_verifier(actor)
