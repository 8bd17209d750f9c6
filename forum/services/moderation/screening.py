"""Screening new and edited posts: watched words, pre-moderated categories, new members.

``discussions`` asks ``screen_post`` before writing and calls ``apply_decision`` once the post
has an id. Moderators of the category are never screened.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from forum.errors import ServiceError
from forum.models import Category, ItemKind, Post, WordAction, utcnow
from forum.policy import Actor, can_moderate
from forum.services.moderation import flags as moderation_flags
from forum.services.moderation import state as moderation_state
from forum.services.moderation import words as moderation_words

ALLOW, FLAG, HOLD, BLOCK = "allow", "flag", "hold", "block"


@dataclass(frozen=True)
class Decision:
    """What happens to a post: allowed, flagged for review, held for approval, or blocked."""

    action: str = ALLOW
    #: For moderators: why it was held or flagged.
    reason: str = ""
    #: For the writer, when blocked.
    message: str = ""

    @property
    def holds(self) -> bool:
        return self.action == HOLD

    def raise_if_blocked(self) -> None:
        if self.action == BLOCK:
            raise ServiceError(self.message, "body")


def _blocked(phrase: str, explanation: str) -> Decision:
    message = f"Your post contains “{phrase}”, which cannot be posted here."
    if explanation:
        message += f" {explanation}"
    else:
        message += " Please remove it and post again."
    return Decision(BLOCK, f"Blocked word: {phrase}", message)


def _hold_reason(actor: Actor, category: Category) -> str:
    if category.requires_approval:
        return "Every post in this category is approved by a moderator."
    first_posts = current_app.config.get("MODERATION_HOLD_FIRST_POSTS", 0)
    if (getattr(actor, "post_count", 0) or 0) < first_posts:
        return f"A new member's first {first_posts} posts are approved by a moderator."
    return ""


def screen_post(actor: Actor, category: Category, text: str) -> Decision:
    """Decide what happens to ``text`` written by ``actor`` in ``category``."""
    if can_moderate(actor, category):
        return Decision()
    words = moderation_words.matching_words(text, moderation_words.all_words())
    by_action = {word.action: word for word in reversed(words)}
    if block := by_action.get(WordAction.BLOCK):
        return _blocked(block.phrase, block.explanation)
    if hold := by_action.get(WordAction.HOLD):
        return Decision(HOLD, f"Contains the watched phrase “{hold.phrase}”.")
    if reason := _hold_reason(actor, category):
        return Decision(HOLD, reason)
    if flag := by_action.get(WordAction.FLAG):
        return Decision(FLAG, f"Contains the watched phrase “{flag.phrase}”.")
    return Decision()


def apply_decision(decision: Decision, post: Post, *, new: bool = True) -> None:
    """Hold and queue, or flag, ``post`` as decided.

    A ``new`` post was not counted (``discussions`` skips the counters when the decision
    holds), so it is simply marked; an edited one leaves the counts it was in.
    """
    if decision.action == FLAG:
        moderation_flags.raise_system_flag(post, decision.reason)
    elif decision.holds:
        if new:
            post.held_at, post.held_reason = utcnow(), decision.reason[:300]
            moderation_state.sync_thread_hidden(post, post.held_at)
        elif post.held_at is None:
            moderation_state.hold(post, reason=decision.reason)
        moderation_flags.open_item(post, ItemKind.HELD, summary=decision.reason)
