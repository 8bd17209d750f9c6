"""Reviewing accepted answers: whether they still stand, were superseded or are withdrawn."""

from __future__ import annotations

from forum.models import Category
from forum.policy.actors import Actor
from forum.policy.visibility import can_access_moderation, can_moderate


def can_review_answers(actor: Actor, category: Category) -> bool:
    """Confirm, supersede or withdraw an accepted answer in ``category``: staff, and the
    category's own moderators."""
    return can_moderate(actor, category)


def can_open_answer_review(actor: Actor) -> bool:
    """Open /mod/answers-to-review (it lists only the categories the actor may review)."""
    return can_access_moderation(actor)
