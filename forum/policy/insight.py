"""Who reads the programme's figures (/insight), and for which Cancer Alliances.

Staff see every alliance; a member of a group of Cancer Alliance leads
(``users.leads_alliance``) with an alliance on their profile sees that alliance only; nobody
else sees the dashboards at all (404).
"""

from __future__ import annotations

from forum.alliances import is_alliance
from forum.policy.actors import Actor, is_member, is_staff

#: What ``insight_alliances`` returns for staff: every alliance.
EVERY_ALLIANCE = None


def insight_alliance(actor: Actor) -> str:
    """The lead's own alliance, or "" when they lead none the forum knows."""
    if not is_member(actor) or not getattr(actor, "leads_alliance", False):
        return ""
    alliance = getattr(actor, "alliance", "") or ""
    return alliance if is_alliance(alliance) else ""


def can_view_insight(actor: Actor) -> bool:
    return is_staff(actor) or bool(insight_alliance(actor))


def insight_alliances(actor: Actor) -> frozenset[str] | None:
    """The alliances ``actor`` may see figures for: None (every one) for staff."""
    if is_staff(actor):
        return EVERY_ALLIANCE
    alliance = insight_alliance(actor)
    return frozenset({alliance}) if alliance else frozenset()
