"""The guideline register: staff keep it (moderators and admins); every member reads it."""

from __future__ import annotations

from forum.policy.actors import Actor, is_staff


def can_manage_guidelines(actor: Actor) -> bool:
    """Add guidelines, correct them and record their new versions."""
    return is_staff(actor)
